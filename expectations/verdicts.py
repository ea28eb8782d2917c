"""From evidence and failed expectations to a verdict and one plain sentence.

Drivers: ``certified`` (every expectation holds), ``blocked`` (enough data, and the link is absent
or points the wrong way: the interval rules out a link of the meaningful size, or the same inputs
gave other values), ``unproven`` (too few entities or months to tell; the reason says roughly how
much more data decides). Goals publish as ``goal`` and inputs as ``input`` when their values are
reproducible. An exemption in code turns a non-certified verdict into ``exempt`` until it expires.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from expectations.exemptions import Exemption

PUBLISHABLE = ("certified", "exempt", "goal", "input")
ENTITY_WORDS = {"contact": "people", "deal": "deals", "ticket": "tickets"}
OUTCOME_WORDS = {
    "contact": "became the primary contact of a deal won",
    "deal": "were won",
    "ticket": "had their account renew at the same or a higher MRR",
}


@dataclass
class MetricStatus:
    metric_name: str
    status: str  # certified | blocked | unproven | exempt | goal | input
    reason: str
    failed_expectations: list[str] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)
    exemption: Exemption | None = None


def _status(row: dict, failed: list[str]) -> str:
    if not failed:
        return row["role"] if row["role"] in ("goal", "input") else "certified"
    if any(f.startswith("reproducible: the same inputs") for f in failed):
        return "blocked"
    if row.get("evidence_error") or row["role"] != "driver":
        return "unproven" if row["role"] == "driver" else "blocked"
    return "blocked" if row.get("rules_out_meaningful") else "unproven"


def _share(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def describe(row: dict, window_days: int) -> str:
    """The evidence in one sentence a business reader can check."""
    if row["role"] == "goal":
        return "a goal metric: revenue itself, linked by definition"
    if row["role"] == "input":
        return "an input (money we spend): judged on its data, published beside what it buys"
    if row.get("basis") == "monthly series vs bookings" and row.get("effect") is not None:
        text = (
            f"its monthly surprises (what the month before did not predict) rank-correlate "
            f"{row['effect']:+.2f} (95% interval {row['effect_low']:+.2f} to "
            f"{row['effect_high']:+.2f}) with new bookings' surprises "
            f"{int(row['lag_months'])} month(s) later over {int(row['months'])} months "
            f"(permutation p = {row['p_value']:.3f}); earlier half {row['earlier_effect']:+.2f}, "
            f"later half {row['later_effect']:+.2f}"
        )
    elif row.get("good_n") is not None and row.get("effect") is not None:
        entities = ENTITY_WORDS.get(row["entity_type"], "entities")
        sides = (
            ("the ones on its good side", "the others")
            if row["kind"] == "value"
            else ("the ones it counts", "comparable ones it did not count")
            if row["direction"] == "higher_is_better"
            else ("comparable ones it did not count", "the ones it counts")
        )
        lift = "" if row.get("lift") is None else f", {row['lift']:.2f}x"
        text = (
            f"of {entities}, {sides[0]} {OUTCOME_WORDS.get(row['entity_type'], 'reached revenue')}"
            f" within {window_days} days {_share(row['good_share'])} of the time "
            f"({int(row['good_reached']):,} of {int(row['good_n']):,}), {sides[1]} "
            f"{_share(row['other_share'])} ({int(row['other_reached']):,} of "
            f"{int(row['other_n']):,}): "
            f"difference {row['effect'] * 100:+.1f} points (95% interval "
            f"{row['effect_low'] * 100:+.1f} to {row['effect_high'] * 100:+.1f}{lift}); "
            f"earlier half {_points(row.get('earlier_effect'))}, later half "
            f"{_points(row.get('later_effect'))}"
        )
    else:
        text = f"evidence cannot be computed: {row.get('evidence_error')}"
    return text


def _points(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:+.1f} points"


def verdict(
    row: dict, failed: list[str], exemption: Exemption | None, window_days: int
) -> MetricStatus:
    status = _status(row, failed)
    evidence = describe(row, window_days)
    if status not in PUBLISHABLE and exemption is not None:
        reason = (
            f"Exempt until {exemption.expires.isoformat()} (approved by {exemption.approver}): "
            f"{exemption.reason} Evidence: {evidence}"
        )
        return MetricStatus(row["metric_name"], "exempt", reason, failed, row, exemption)
    if status in ("certified", "goal", "input"):
        reason = f"{status.capitalize()}: {evidence}"
    elif status == "unproven":
        needed = f"; to decide: {row['needed']}" if row.get("needed") else ""
        reason = f"Unproven: {evidence}{needed}"
    else:
        reason = f"Blocked: {evidence}; failed: {', '.join(failed)}"
    return MetricStatus(row["metric_name"], status, reason, failed, row)
