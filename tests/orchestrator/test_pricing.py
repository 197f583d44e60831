from __future__ import annotations

import pytest

from orchestrator.pricing import DEFAULT_PRICES, Price, PriceTable, UnknownModelPrice


@pytest.mark.parametrize(
    ("model", "cost"),
    [
        ("claude-sonnet-4-5-20250929", 3.0 + 15.0),
        ("claude-opus-4-1-20250805", 15.0 + 75.0),
        ("claude-opus-4-5", 5.0 + 25.0),
        ("claude-haiku-4-5", 1.0 + 5.0),
    ],
)
def test_default_prices_per_million_tokens(model: str, cost: float) -> None:
    assert DEFAULT_PRICES.cost_usd(model, 1_000_000, 1_000_000) == pytest.approx(cost)


def test_longest_prefix_wins_and_unknown_models_are_an_error() -> None:
    table = PriceTable({"m": Price(1.0, 1.0), "m-large": Price(10.0, 10.0)})
    assert table.price("m-large-2") == Price(10.0, 10.0) and table.price("m-small") == Price(1.0, 1.0)
    with pytest.raises(UnknownModelPrice):
        table.price("other")
    with pytest.raises(ValueError):
        Price(-1.0, 0.0)
