"""What a model costs to run here, beside the user's own figures for a cloud alternative.

On this hardware a request occupies the machine for its measured mean latency. A
busy hour costs the hardware's price spread over its service life plus the power it
draws at the electricity price, so

    cost per 1,000 requests = 1000 x mean latency (h) x (price / lifetime hours + kW x price per kWh)
    cost per month          = cost per 1,000 requests x monthly requests / 1000

Every figure comes from workspace settings the user enters (Evaluation page or
`airlock eval settings`); the cloud row is taken as entered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

HOURS_PER_YEAR = 24 * 365

# setting key -> (default, meaning)
SETTINGS: dict[str, tuple[str, str]] = {
    "cost.hardware_price": ("2000", "price of this machine (currency units)"),
    "cost.hardware_lifetime_years": ("3", "years of service the price is spread over"),
    "cost.power_watts": ("150", "power drawn while answering (W)"),
    "cost.electricity_per_kwh": ("0.30", "electricity price per kWh"),
    "cost.monthly_requests": ("100000", "requests per month"),
    "cost.currency": ("EUR", "currency shown"),
    "cloud.name": ("", "name of the cloud alternative (empty: no cloud row)"),
    "cloud.cost_per_1k": ("", "cloud price per 1,000 requests"),
    "cloud.p95_latency_ms": ("", "cloud p95 latency (ms)"),
    "cloud.quality": ("", "cloud quality on the same split (0-1), if measured"),
}


@dataclass(frozen=True)
class CostModel:
    hardware_price: float
    lifetime_years: float
    power_watts: float
    electricity_per_kwh: float
    monthly_requests: float
    currency: str

    @classmethod
    def from_settings(cls, setting: Callable[[str, str | None], str | None]) -> CostModel:
        def num(key: str) -> float:
            return float(setting(key, SETTINGS[key][0]) or SETTINGS[key][0])

        return cls(num("cost.hardware_price"), num("cost.hardware_lifetime_years"), num("cost.power_watts"),
                   num("cost.electricity_per_kwh"), num("cost.monthly_requests"),
                   setting("cost.currency", "EUR") or "EUR")

    @property
    def cost_per_busy_hour(self) -> float:
        amortised = self.hardware_price / (self.lifetime_years * HOURS_PER_YEAR) if self.lifetime_years else 0.0
        return amortised + self.power_watts / 1000 * self.electricity_per_kwh

    def per_1k_requests(self, mean_latency_ms: float) -> float:
        return 1000 * mean_latency_ms / 3_600_000 * self.cost_per_busy_hour

    def per_month(self, cost_per_1k: float) -> float:
        return cost_per_1k * self.monthly_requests / 1000


@dataclass(frozen=True)
class CloudAlternative:
    name: str
    cost_per_1k: float
    p95_latency_ms: float | None
    quality: float | None

    @classmethod
    def from_settings(cls, setting: Callable[[str, str | None], str | None]) -> CloudAlternative | None:
        name = setting("cloud.name", None)
        price = setting("cloud.cost_per_1k", None)
        if not name or not price:
            return None
        p95 = setting("cloud.p95_latency_ms", None)
        quality = setting("cloud.quality", None)
        return cls(name, float(price), float(p95) if p95 else None, float(quality) if quality else None)
