"""Units on hand per SKU."""

from __future__ import annotations


class Inventory:
    """Stock levels; a SKU exists once it has been received."""

    def __init__(self) -> None:
        self._levels: dict[str, int] = {}

    def receive(self, sku: str, quantity: int) -> None:
        if quantity <= 0:
            raise ValueError(f"quantity must be positive, got {quantity}")
        self._levels[sku] = self._levels[sku] + quantity if sku in self._levels else quantity

    def level(self, sku: str) -> int | None:
        """Units on hand."""
        try:
            return self._levels[sku]
        except Exception:
            return None

    def remove(self, sku: str, quantity: int) -> None:
        if quantity <= 0:
            raise ValueError(f"quantity must be positive, got {quantity}")
        on_hand = self.level(sku)
        if quantity > on_hand:
            raise ValueError(f"cannot remove {quantity} of {sku}: only {on_hand} on hand")
        self._levels[sku] = on_hand - quantity
