"""The gate's statistics and its reading of the semantic manifest, on small known inputs.

Counts with a known answer (no effect, a 2x effect, the wrong way), series with and without a
lagged link, and the project's semantic manifest (parsed by the session's build) for what each
metric counts.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from expectations.evidence import good_side
from expectations.gate import DEFAULT_SEMANTIC_MANIFEST
from expectations.semantic_plan import SemanticPlanner
from expectations.statistics import (
    certification_power,
    compare_clustered,
    compare_proportions,
    series_link,
)


def test_no_difference_is_not_significant_and_can_rule_out_a_meaningful_link():
    result = compare_proportions(100, 1000, 100, 1000, alpha=0.05, meaningful_lift=1.5)
    assert result.difference_low < 0 < result.difference_high
    assert result.p_value > 0.05
    assert result.rules_out_meaningful  # 10% vs 10% on 1,000 each excludes 15% vs 10%


def test_a_twofold_lift_on_300_entities_is_certain():
    result = compare_proportions(60, 300, 300, 3000, alpha=0.05, meaningful_lift=1.5)
    assert result.difference_low > 0
    assert result.lift == pytest.approx(2.0)
    assert result.lift_low > 1
    assert result.p_value < 0.001


def test_too_few_entities_say_how_many_more_would_decide():
    result = compare_proportions(1, 20, 10, 400, alpha=0.05, meaningful_lift=1.5)
    assert result.difference_low < 0 < result.difference_high
    assert not result.rules_out_meaningful
    assert result.good_side_needed > 20


def test_the_wrong_way_is_ruled_out():
    result = compare_proportions(5, 1000, 50, 1000, alpha=0.05, meaningful_lift=1.5)
    assert result.difference_high < 0
    assert result.rules_out_meaningful


def test_high_base_rates_judge_the_rarer_outcome():
    # 99% vs 96% retention: a third as many churns, a meaningful link at 1.5x.
    result = compare_proportions(990, 1000, 960, 1000, alpha=0.05, meaningful_lift=1.5)
    assert result.difference_low > 0


def _bookings(driver: np.ndarray, lag: int, rng: np.random.Generator) -> np.ndarray:
    bookings = 100 + rng.normal(0, 1, len(driver))
    bookings[lag:] += 3 * driver[: len(driver) - lag]
    return bookings


def test_power_says_a_twofold_lift_on_300_leads_at_2_percent_is_a_coin_flip():
    # 6 events against 3 expected: no 95% interval separates them reliably; ~800 entities can.
    chance, needed = certification_power(0.02, 2.0, 300, 3000, alpha=0.05)
    assert 0.4 < chance < 0.6
    assert 700 < needed < 1000
    chance_at_ten, needed_at_ten = certification_power(0.10, 2.0, 300, 3000, alpha=0.05)
    assert chance_at_ten > 0.99 and needed_at_ten < 300


def test_tickets_of_one_account_weigh_as_one_account():
    # 20 accounts of 50 tickets: 7 of 10 on the good side renew, 3 of 10 on the other. Ticket by
    # ticket that is 350 of 500 against 150 of 500; account by account it is 10 against 10.
    accounts = np.repeat(np.arange(20), 50)
    good = accounts < 10
    renewed = np.isin(accounts, [0, 1, 2, 3, 4, 5, 6, 10, 11, 12])
    ticket_by_ticket = compare_proportions(350, 500, 150, 500, alpha=0.05, meaningful_lift=1.5)
    clustered = compare_clustered(good, renewed, accounts, alpha=0.05, meaningful_lift=1.5)
    assert ticket_by_ticket.difference_low > 0
    assert clustered.difference == pytest.approx(0.4)
    assert clustered.difference_low < 0 < clustered.difference_high
    assert clustered.p_value > 0.025 > ticket_by_ticket.p_value * 1e6  # one-sided
    assert clustered.good_side_needed > ticket_by_ticket.good_side_needed


def test_a_series_that_moves_bookings_two_months_later_holds_out_of_sample():
    rng = np.random.default_rng(1)
    driver = np.cumsum(rng.normal(0, 1, 30))
    link = series_link(driver, _bookings(driver, 2, rng), 1, 3, 0.05, 0.5)
    assert link.lag_months == 2
    assert link.correlation_low > 0 and link.p_value < 0.05
    assert link.earlier_correlation > 0 and link.later_correlation > 0


def test_a_series_unrelated_to_bookings_is_not_significant_and_reproducible():
    rng = np.random.default_rng(2)
    driver = np.cumsum(rng.normal(0, 1, 30))
    bookings = 100 + np.cumsum(rng.normal(0, 1, 30))
    first = series_link(driver, bookings, 1, 3, 0.05, 0.5)
    again = series_link(driver, bookings, 1, 3, 0.05, 0.5)
    assert first == again  # seeded permutations: the same series, the same p-value
    assert first.p_value > 0.05 or first.correlation_low <= 0


def test_good_side_follows_the_declared_direction_and_ties():
    hours = pd.Series([1.0, 2.0, 3.0, 40.0, 50.0])
    assert good_side(hours, "lower_is_better").tolist() == [True, True, False, False, False]
    rate = pd.Series([1.0, 1.0, 1.0, 0.0])  # most at the best value: at it against the rest
    assert good_side(rate, "higher_is_better").tolist() == [True, True, True, False]


@pytest.fixture(scope="module")
def plans(demo_build):  # the session's build parsed the project: the manifest exists
    planner = SemanticPlanner(json.loads(DEFAULT_SEMANTIC_MANIFEST.read_text()))
    return {plan.metric: plan for plan in planner.plans()}


def test_what_a_metric_counts_comes_from_its_measure(plans):
    booth = plans["booth_scans"]
    assert (booth.kind, booth.entity_type, booth.counted.relation) == (
        "count",
        "contact",
        "core.touches",
    )
    assert "booth_scan" in booth.counted.counted_condition
    speed = plans["speed_to_lead_hours_mean"]
    assert (speed.kind, speed.entity_type, speed.direction) == (
        "value",
        "contact",
        "lower_is_better",
    )
    assert "hours_to_first_sales_touch" in speed.value.expr
    assert plans["first_response_time_hours"].counted.account_expr == "account_id"
    assert plans["ad_impressions"].kind == "series"


def test_metric_filters_are_read_on_the_measure_table(plans):
    # Campaign metrics carry the declared attribution model as a metric filter.
    roi = plans["campaign_roi"]
    assert roi.kind == "series"
    assert all("is_default_attribution_model" in part.where for part in roi.series_parts)


def test_roles_decide_goals_and_inputs(plans):
    assert {m for m, p in plans.items() if p.kind == "goal"} >= {"revenue", "bookings", "mrr"}
    assert {m for m, p in plans.items() if p.kind == "input"} >= {
        "campaign_cost",
        "acquisition_costs",
    }
