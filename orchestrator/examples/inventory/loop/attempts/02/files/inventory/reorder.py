"""When to order more."""

from __future__ import annotations

from inventory.stock import Inventory


def needs_reorder(inventory: Inventory, sku: str, threshold: int) -> bool:
    """True once the level has fallen to the threshold or below; a SKU never received has none on hand."""
    return sku not in inventory or inventory.level(sku) <= threshold
