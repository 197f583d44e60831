"""What model calls cost: a price table per model, in US dollars per million tokens.

`ratchet run --prices FILE` extends the defaults with a TOML table, one entry per model id prefix:

    "claude-sonnet-4-5" = { input = 3.0, output = 15.0 }
    "local-model" = { input = 0.0, output = 0.0 }
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


class UnknownModelPrice(LookupError):
    """The table has no price for a model; add one to the table given to the component."""


class InvalidPriceTable(ValueError):
    """A price file that is not TOML of the form `"model-prefix" = { input = X, output = Y }`."""


@dataclass(frozen=True, slots=True)
class Price:
    input_usd_per_mtok: float
    output_usd_per_mtok: float

    def __post_init__(self) -> None:
        if self.input_usd_per_mtok < 0 or self.output_usd_per_mtok < 0:
            raise ValueError(f"prices cannot be negative: {self}")


@dataclass(frozen=True, slots=True)
class PriceTable:
    """Prices by model id prefix: "claude-sonnet-4-5" prices "claude-sonnet-4-5-20250929" too.

    The longest matching prefix wins, so a dated id can be priced apart from its family.
    """

    prices: Mapping[str, Price]

    def __post_init__(self) -> None:
        object.__setattr__(self, "prices", MappingProxyType(dict(self.prices)))

    def price(self, model: str) -> Price:
        matches = [prefix for prefix in self.prices if model.startswith(prefix)]
        if not matches:
            raise UnknownModelPrice(f"no price for model {model!r}; known: {sorted(self.prices)}")
        return self.prices[max(matches, key=len)]

    def cost_usd(self, model: str, input_tokens: int, output_tokens: int) -> float:
        price = self.price(model)
        return (input_tokens * price.input_usd_per_mtok + output_tokens * price.output_usd_per_mtok) / 1_000_000


# Anthropic's list prices (standard, no caching or batch discounts).
DEFAULT_PRICES = PriceTable(
    {
        "claude-opus-4-5": Price(5.0, 25.0),
        "claude-opus-4-1": Price(15.0, 75.0),
        "claude-opus-4": Price(15.0, 75.0),
        "claude-sonnet-4": Price(3.0, 15.0),
        "claude-3-7-sonnet": Price(3.0, 15.0),
        "claude-haiku-4-5": Price(1.0, 5.0),
        "claude-3-5-haiku": Price(0.8, 4.0),
    }
)


def _price_entry(source: str, prefix: str, entry: object) -> Price:
    if not isinstance(entry, dict) or set(entry) != {"input", "output"}:
        raise InvalidPriceTable(f"{source}: price of {prefix!r} must be a table with exactly `input` and `output`, got {entry!r}")
    amounts = (entry["input"], entry["output"])
    # bool is an int subclass; `input = true` is not a price.
    if not all(isinstance(amount, (int, float)) and not isinstance(amount, bool) and amount >= 0 for amount in amounts):
        raise InvalidPriceTable(f"{source}: prices of {prefix!r} must be non-negative numbers (USD per million tokens), got {entry!r}")
    return Price(float(amounts[0]), float(amounts[1]))


def parse_prices(text: str, source: str) -> dict[str, Price]:
    """The entries of a TOML price file; `source` names the file in error messages."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidPriceTable(f"{source}: {exc}") from exc
    if not document:
        raise InvalidPriceTable(f"{source}: no prices; expected entries like \"model-prefix\" = {{ input = 3.0, output = 15.0 }}")
    return {prefix: _price_entry(source, prefix, entry) for prefix, entry in document.items()}


def extended(table: PriceTable, prices: Mapping[str, Price]) -> PriceTable:
    """`table` with `prices` added; an entry for a prefix the table has replaces its price."""
    return PriceTable({**table.prices, **prices})
