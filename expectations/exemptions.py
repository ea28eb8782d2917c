"""Exemptions from the revenue-link gate: in code only, with a reason, an approver and an expiry.

An exemption lets a metric that fails the gate publish with status ``exempt`` (never ``certified``)
until its expiry date; from the day after, it stops counting and the gate's verdict applies again.
Adding one is a reviewed code change: the reason says why the evidence is not the right test for
this metric, the approver is a role (not a person, so it survives people moving on).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Exemption:
    metric: str
    reason: str
    approver: str  # a role
    expires: dt.date  # last day the exemption counts

    def is_active(self, today: dt.date) -> bool:
        return today <= self.expires


# None in force: the gate's evidence decides every metric (tests/test_revenue_gate.py shows the
# mechanism with an exemption of its own).
EXEMPTIONS: tuple[Exemption, ...] = ()


def active_exemptions(
    today: dt.date, exemptions: tuple[Exemption, ...] = EXEMPTIONS
) -> dict[str, Exemption]:
    """The exemptions that count on ``today``, by metric (expired ones are left out)."""
    return {e.metric: e for e in exemptions if e.is_active(today)}
