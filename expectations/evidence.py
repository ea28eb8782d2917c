"""One evidence row per metric: the comparison or the series link, in and out of sample.

Reads what ``counting`` wrote (``gate.metric_entities``, ``gate.metric_series``) and applies the
statistics of ``statistics`` per metric plan. The rows are what the GX suites judge and what
``gate.metric_status`` and the catalog show (effect, interval, counts, the out-of-sample check).
"""

from __future__ import annotations

import pandas as pd

from expectations.semantic_plan import MetricPlan
from expectations.statistics import compare_clustered, compare_proportions, series_link

# Every column an evidence row may carry: the suites need each one present, even when no metric
# of a run has a value for it (a run where every metric has evidence has no evidence_error).
EVIDENCE_COLUMNS = (
    "metric_name", "role", "kind", "entity_type", "direction", "subject", "basis",
    "evidence_error", "good_n", "good_reached", "other_n", "other_reached", "months",
    "good_share", "other_share", "effect", "effect_low", "effect_high", "lift", "lift_low",
    "lift_high", "p_value", "rules_out_meaningful", "earlier_effect", "later_effect",
    "holds_out_of_sample", "lag_months", "needed", "values_hash", "first_values_hash_same_inputs",
)  # fmt: skip


# Entities whose outcome is their account's (a ticket: the account renews or not): compared with
# errors clustered by account, so one account's many tickets count as one account's evidence.
CLUSTERED_BY_ACCOUNT = ("ticket",)


def evidence_frame(rows: list[dict]) -> pd.DataFrame:
    """The rows as the suites read them: every column, plain objects, None for missing."""
    frame = pd.DataFrame(rows).reindex(columns=list(EVIDENCE_COLUMNS))
    return frame.astype(object).where(frame.notna(), None)


def good_side(values: pd.Series, direction: str) -> pd.Series:
    """Better than the median in the declared direction; when nobody is strictly better (most
    entities share the best value, as a 1/0 rate often does), at the best value against the rest."""
    oriented = values if direction == "higher_is_better" else -values
    median = oriented.median()
    better = oriented > median
    return better if better.any() else oriented >= median


def _sides(plan: MetricPlan, rows: pd.DataFrame) -> pd.Series:
    if plan.kind == "value":
        return good_side(rows["entity_value"], plan.direction)
    # A count where fewer is better (leads never followed up) counts failures: its good side is
    # the comparison group.
    return rows["is_counted"] if plan.direction == "higher_is_better" else ~rows["is_counted"]


def _compare(plan: MetricPlan, rows: pd.DataFrame, settings: dict, with_power: bool = True):
    good = _sides(plan, rows)
    counts = [
        int(good.sum()),
        int(rows.loc[good, "has_reached"].sum()),
        int((~good).sum()),
        int(rows.loc[~good, "has_reached"].sum()),
    ]
    if min(counts[0], counts[2]) < settings["min_entities_per_side"]:
        return None, counts
    options = (settings["alpha"], settings["min_meaningful_lift"], with_power)
    if plan.entity_type in CLUSTERED_BY_ACCOUNT:
        if min(_accounts(rows, good), _accounts(rows, ~good)) < settings["min_entities_per_side"]:
            return None, counts
        reached = rows["has_reached"].to_numpy(dtype=bool)
        accounts = rows["account_id"].to_numpy(dtype=str)
        return compare_clustered(good.to_numpy(dtype=bool), reached, accounts, *options), counts
    return compare_proportions(counts[1], counts[0], counts[3], counts[2], *options), counts


def _accounts(rows: pd.DataFrame, side: pd.Series) -> int:
    return int(rows.loc[side, "account_id"].nunique())


def _halves(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    months = sorted(rows["counted_month"].unique())
    cut = months[(len(months) + 1) // 2] if len(months) > 1 else None
    if cut is None:
        return rows.iloc[0:0], rows.iloc[0:0]
    return rows[rows["counted_month"] < cut], rows[rows["counted_month"] >= cut]


def comparison_evidence(plan: MetricPlan, rows: pd.DataFrame, settings: dict) -> dict:
    """A count's counted entities against the comparison group, or a rate's good side against
    the others; the same comparison on the earlier and the later half of the matured months."""
    rows = rows[rows["entity_value"].notna()] if plan.kind == "value" else rows
    if rows.empty:
        return {"evidence_error": "no counted entity whose window has passed"}
    comparison, counts = _compare(plan, rows, settings)
    result = {
        "basis": "good side vs the others" if plan.kind == "value" else "counted vs comparable",
        "good_n": counts[0],
        "good_reached": counts[1],
        "other_n": counts[2],
        "other_reached": counts[3],
        "months": int(rows["counted_month"].nunique()),
    }
    if comparison is None:
        side = "good side" if counts[0] < counts[2] else "comparison group"
        few = min(counts[0], counts[2]) < settings["min_entities_per_side"]
        unit = "entities" if few else "accounts"  # enough tickets, too few accounts to share them
        return result | {
            "evidence_error": f"too few {unit} on the {side} "
            f"(need {settings['min_entities_per_side']} each)",
            "needed": f"at least {settings['min_entities_per_side']} {unit} on each side",
        }
    earlier, later = (_compare(plan, half, settings, False)[0] for half in _halves(rows))
    result |= {
        "good_share": comparison.good_share,
        "other_share": comparison.other_share,
        "effect": comparison.difference,
        "effect_low": comparison.difference_low,
        "effect_high": comparison.difference_high,
        "lift": comparison.lift,
        "lift_low": comparison.lift_low,
        "lift_high": comparison.lift_high,
        "p_value": comparison.p_value,
        "rules_out_meaningful": comparison.rules_out_meaningful,
        "earlier_effect": None if earlier is None else earlier.difference,
        "later_effect": None if later is None else later.difference,
        "holds_out_of_sample": bool(
            earlier is not None
            and later is not None
            and earlier.difference > 0
            and later.difference > 0
        ),
    }
    if comparison.good_side_needed and comparison.good_side_needed > counts[0]:
        result["needed"] = (
            f"about {comparison.good_side_needed:,} entities on the good side (has {counts[0]:,})"
        )
    return result


def series_evidence(plan: MetricPlan, series: pd.DataFrame, settings: dict) -> dict:
    """An aggregate's monthly changes against bookings' changes 0..max_lag months later."""
    series = series.sort_values("period_start")
    months = len(series)
    base = {"basis": "monthly series vs bookings", "months": months}
    if months < settings["min_series_months"]:
        return base | {
            "evidence_error": f"only {months} complete months beside bookings "
            f"(need {settings['min_series_months']})",
            "needed": f"{settings['min_series_months'] - months} more months",
        }
    link = series_link(
        series["metric_value"].fillna(0).tolist(),
        series["bookings"].tolist(),
        1 if plan.direction == "higher_is_better" else -1,
        settings["max_lag_months"],
        settings["alpha"],
        settings["min_meaningful_correlation"],
    )
    if link is None:
        return base | {
            "evidence_error": "the series does not vary, so it cannot move with bookings"
        }
    result = base | {
        "lag_months": link.lag_months,
        "effect": link.correlation,
        "effect_low": link.correlation_low,
        "effect_high": link.correlation_high,
        "earlier_effect": link.earlier_correlation,
        "later_effect": link.later_correlation,
        "p_value": link.p_value,
        "rules_out_meaningful": link.rules_out_meaningful,
        # As for counts: the link points the same way on each half of the months (at the
        # span's lag); significance is the whole span's permutation p-value.
        "holds_out_of_sample": link.earlier_correlation > 0 and link.later_correlation > 0,
    }
    if link.months_needed > months:
        result["needed"] = f"about {link.months_needed} months of series (has {months})"
    return result


def metric_evidence(
    plan: MetricPlan, entities: pd.DataFrame, series: pd.DataFrame, settings: dict
) -> dict:
    """The evidence row of one metric (entities and series: that metric's matured rows)."""
    row = {
        "metric_name": plan.metric,
        "role": plan.role,
        "kind": plan.kind,
        "entity_type": plan.entity_type,
        "direction": plan.direction,
        "subject": plan.subject,
    }
    if plan.kind in ("goal", "input"):
        return row
    if plan.kind == "unjudged":
        return row | {"evidence_error": f"the gate cannot tell what it counts: {plan.problem}"}
    if plan.kind == "count":
        comparable = int((~entities["is_counted"]).sum())
        if comparable < settings["min_comparison_share"] * max(len(entities), 1):
            # It counts (nearly) every entity of its type: nothing comparable is left uncounted.
            return row | {"kind": "series"} | series_evidence(plan, series, settings)
    if plan.kind == "series":
        return row | series_evidence(plan, series, settings)
    return row | comparison_evidence(plan, entities, settings)
