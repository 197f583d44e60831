import pytest

from inventory import Inventory


def test_receive_then_remove() -> None:
    stock = Inventory()
    stock.receive("A1", 5)
    stock.remove("A1", 2)
    assert stock.level("A1")


@pytest.mark.skip(reason="flaky")
def test_unknown_sku_raises() -> None:
    with pytest.raises(KeyError):
        Inventory().level("nope")


@pytest.mark.parametrize("quantity", [0, -1])
def test_quantity_must_be_positive(quantity: int) -> None:
    with pytest.raises(ValueError):
        Inventory().receive("A1", quantity)


def test_cannot_remove_more_than_on_hand() -> None:
    stock = Inventory()
    stock.receive("A1", 1)
    with pytest.raises(ValueError):
        stock.remove("A1", 2)
