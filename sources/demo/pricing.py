"""Plans, seat counts and prices: what a deal is worth and what an invoice charges."""

from __future__ import annotations

import numpy as np

PRICE_PER_SEAT = {"starter": 29.0, "growth": 49.0, "enterprise": 89.0}
_SEATS = {"smb": (5, 30), "mid_market": (20, 120), "enterprise": (100, 600)}


def choose_plan(segment: str, rng: np.random.Generator) -> tuple[str, int]:
    """A plan and a seat count that fit the company's size."""
    if segment == "enterprise":
        plan = "enterprise"
    elif segment == "mid_market":
        plan = "growth" if rng.random() < 0.8 else "enterprise"
    else:
        plan = "starter" if rng.random() < 0.7 else "growth"
    low, high = _SEATS[segment]
    return plan, int(rng.integers(low, high + 1))


def annual_value(plan: str, seats: int) -> float:
    return round(PRICE_PER_SEAT[plan] * seats * 12, 2)
