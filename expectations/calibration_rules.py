"""Calibration of the gate's decision rule on entities with planted effects of known size.

The generated companies (``calibration``) test the whole path on the story's scenarios, but their
revenue is capped by how many companies can buy (at scale 0.2 about 50), so a planted lift on
people barely moves who buys. Here the planted effect is exact: entities over 24 months whose
chance of reaching revenue is the base rate, or the base rate times the lift on the counted side;
aggregates whose monthly changes move bookings two months later, or do not. Each replicate runs
the gate's own evidence code (``evidence``) and its GX suites and verdicts (``suites``,
``verdicts``) as a metric would, all replicates in one validation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from expectations.evidence import comparison_evidence, evidence_frame, series_evidence
from expectations.semantic_plan import MetricPlan
from expectations.statistics import certification_power
from expectations.suites import validate_evidence
from expectations.verdicts import verdict

MONTHS = pd.date_range("2024-01-01", periods=24, freq="MS")
# (name, counted entities, comparable entities, base rate, lift on the counted side)
COMPARISONS = (
    ("null, 300 vs 3,000 at 5%", 300, 3000, 0.05, 1.0),
    ("null, 3,000 vs 3,000 at 2%", 3000, 3000, 0.02, 1.0),
    ("2x on 300 at 2%", 300, 3000, 0.02, 2.0),
    ("2x on 300 at 5%", 300, 3000, 0.05, 2.0),
    ("2x on 300 at 10%", 300, 3000, 0.10, 2.0),
    ("2x on 1,200 at 2%", 1200, 3000, 0.02, 2.0),
)
# (name, strength of the bookings' response to the series' changes two months earlier, whether
# the series wanders (a random walk) or is flighted: independent months around a level, whose
# changes are correlated with their neighbours, the case a test on shuffled changes got wrong)
SERIES = (
    ("series null", 0.0, False),
    ("series null, flighted months", 0.0, True),
    ("series moves bookings", 1.0, False),
    ("flighted series moves bookings", 1.0, True),
)


def _entities(rng, counted: int, comparable: int, base: float, lift: float) -> pd.DataFrame:
    is_counted = np.r_[np.ones(counted, bool), np.zeros(comparable, bool)]
    chance = np.where(is_counted, min(base * lift, 1.0), base)
    return pd.DataFrame(
        {
            "counted_month": rng.choice(MONTHS, size=is_counted.size),
            "entity_value": None,
            "is_counted": is_counted,
            "has_reached": rng.random(is_counted.size) < chance,
        }
    )


def _series(rng, strength: float, flighted: bool) -> pd.DataFrame:
    steps = rng.normal(0, 1, MONTHS.size)
    driver = steps if flighted else np.cumsum(steps)
    bookings = 100 + np.cumsum(rng.normal(0, 1, MONTHS.size))
    bookings[2:] += strength * 2 * driver[:-2]
    return pd.DataFrame({"period_start": MONTHS, "metric_value": driver, "bookings": bookings})


def rule_calibration(settings: dict, replicates: int, seed: int = 7) -> dict[str, dict]:
    """Verdict counts per planted case: {case: {certified: n, unproven: n, blocked: n}}."""
    rng = np.random.default_rng(seed)
    plan = MetricPlan("planted", "driver", "count", "higher_is_better", "count", "us", "contact")
    rows, cases = [], {}
    for case, counted, comparable, base, lift in COMPARISONS:
        for i in range(replicates):
            name = f"{case} #{i}"
            cases[name] = case
            entities = _entities(rng, counted, comparable, base, lift)
            rows.append(_row(plan, name) | comparison_evidence(plan, entities, settings))
    for case, strength, flighted in SERIES:
        for i in range(replicates):
            name = f"{case} #{i}"
            cases[name] = case
            series = _series(rng, strength, flighted)
            rows.append(_row(plan, name) | series_evidence(plan, series, settings))
    evidence = evidence_frame(rows)
    validation = validate_evidence(evidence, settings)
    tally: dict[str, dict] = {}
    for row in evidence.to_dict("records"):
        status = verdict(row, validation.failed[row["metric_name"]], None, 180).status
        counts = tally.setdefault(cases[row["metric_name"]], {})
        counts[status] = counts.get(status, 0) + 1
    return tally


def _row(plan: MetricPlan, name: str) -> dict:
    return {
        "metric_name": name,
        "role": plan.role,
        "kind": plan.kind,
        "entity_type": plan.entity_type,
        "direction": plan.direction,
        "subject": plan.subject,
    }


def rule_table(tally: dict[str, dict], alpha: float) -> str:
    """The confusion table, with what the sample sizes permit beside each planted lift: its
    chance of certification by calculation (statsmodels' normal approximation) and the counted
    entities that would give 90%."""
    sizes = {
        case: (counted, comparable, base, lift)
        for case, counted, comparable, base, lift in COMPARISONS
    }
    lines = [
        "| planted (exact) | replicates | certified | unproven | blocked | target | holds |"
        " power by calculation | counted entities for 90% |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for case, counts in tally.items():
        n = sum(counts.values())
        certified = counts.get("certified", 0) / n
        if "null" in case:
            target, holds = "certified <= 5%", _null_holds(counts.get("certified", 0), n)
        elif "moves" in case or "on 300" in case:
            target, holds = "certified >= 90%", "yes" if certified >= 0.9 else "NO"
        else:
            target, holds = "(power beyond the target)", "yes" if certified >= 0.9 else "NO"
        power = needed = ""
        if case in sizes and sizes[case][3] > 1:
            counted, comparable, base, lift = sizes[case]
            chance, entities = certification_power(base, lift, counted, comparable, alpha)
            power, needed = f"{chance:.1%}", f"{entities:,}"
        lines.append(
            f"| {case} | {n} | {certified:.1%} | {counts.get('unproven', 0) / n:.1%} | "
            f"{counts.get('blocked', 0) / n:.1%} | {target} | {holds} | "
            f"{power} | {needed} |"
        )
    return "\n".join(lines)


def _null_holds(certified: int, replicates: int) -> str:
    """At most 5% of nulls certified: "yes"; a share above 5% that this many replicates cannot
    tell from 5% (one-sided binomial test, scipy, p >= 0.05) is "at the limit", said as such."""
    if certified <= 0.05 * replicates:
        return "yes"
    p_value = stats.binomtest(certified, replicates, 0.05, alternative="greater").pvalue
    if p_value < 0.05:
        return "NO"
    return f"at the limit: not above 5% beyond chance (binomial p = {p_value:.2f})"
