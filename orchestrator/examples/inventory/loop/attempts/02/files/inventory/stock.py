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

    def __contains__(self, sku: object) -> bool:
        """Whether the SKU has ever been received."""
        return sku in self._levels

    def level(self, sku: str) -> int:
        """Units on hand; raises KeyError for a SKU that was never received."""
        return self._levels[sku]

    def remove(self, sku: str, quantity: int) -> None:
        if quantity <= 0:
            raise ValueError(f"quantity must be positive, got {quantity}")
        on_hand = self.level(sku)
        if quantity > on_hand:
            raise ValueError(f"cannot remove {quantity} of {sku}: only {on_hand} on hand")
        self._levels[sku] = on_hand - quantity
