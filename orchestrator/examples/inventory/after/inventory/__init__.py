"""A small stock-keeping package: the guard demo's base revision."""

from inventory.reorder import needs_reorder
from inventory.stock import Inventory

__all__ = ["Inventory", "needs_reorder"]
