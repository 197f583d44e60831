from inventory import Inventory, needs_reorder


def test_reorder_at_the_threshold() -> None:
    stock = Inventory()
    stock.receive("A1", 3)
    assert needs_reorder(stock, "A1", 3) is True
    assert needs_reorder(stock, "A1", 2) is False


def test_a_sku_never_received_needs_ordering() -> None:
    assert needs_reorder(Inventory(), "B2", 1) is True
