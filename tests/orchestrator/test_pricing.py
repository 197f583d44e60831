from __future__ import annotations

import pytest

from orchestrator.pricing import DEFAULT_PRICES, InvalidPriceTable, Price, PriceTable, UnknownModelPrice, extended, parse_prices


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


def test_a_price_file_extends_and_overrides_the_defaults() -> None:
    entries = parse_prices('"local" = { input = 0, output = 0 }\n"claude-sonnet-4" = { input = 2.5, output = 10.0 }\n', "prices.toml")
    table = extended(DEFAULT_PRICES, entries)
    assert table.price("local-7b") == Price(0.0, 0.0)
    assert table.price("claude-sonnet-4-5") == Price(2.5, 10.0)
    assert table.price("claude-haiku-4-5") == DEFAULT_PRICES.price("claude-haiku-4-5")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("not toml = = 1", "prices.toml:"),
        ("", "no prices"),
        ('"m" = 3.0', "exactly `input` and `output`"),
        ('"m" = { input = 1.0 }', "exactly `input` and `output`"),
        ('"m" = { input = 1.0, output = 2.0, cache = 0.1 }', "exactly `input` and `output`"),
        ('"m" = { input = -1.0, output = 2.0 }', "non-negative numbers"),
        ('"m" = { input = true, output = 2.0 }', "non-negative numbers"),
        ('"m" = { input = "3", output = 2.0 }', "non-negative numbers"),
    ],
)
def test_a_bad_price_file_is_an_error_naming_it(text: str, error: str) -> None:
    with pytest.raises(InvalidPriceTable, match="prices.toml") as raised:
        parse_prices(text, "prices.toml")
    assert error in str(raised.value)
