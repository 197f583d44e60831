"""What model calls cost: a price table per model, in US dollars per million tokens."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


class UnknownModelPrice(KeyError):
    """The table has no price for a model; add one to the table given to the component."""


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
