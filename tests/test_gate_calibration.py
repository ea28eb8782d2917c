"""A real slice of the calibration harness (``make calibrate`` runs 20 seeds of every scenario).

The decision rule on 20 replicates of exact planted effects; one seed of two scenarios at scale
0.2, built by dbt in this process from one parsed manifest, the first company built twice from the
same files: planted nulls are not certified, the booth story without follow-up is not certified,
the followed-up booth of buyers is, and two builds of the same files give identical verdicts.
"""

from __future__ import annotations

import pytest

from expectations.calibration import SCENARIOS, calibrate, confusion_table
from expectations.calibration_rules import rule_calibration, rule_table
from expectations.gate import gate_settings


@pytest.fixture(scope="module")
def tally(tmp_path_factory):
    scenarios = [s for s in SCENARIOS if s.name in ("booth_not_followed_up", "booth_followed_up")]
    return calibrate(
        tmp_path_factory.mktemp("calibration"), [1], 0.2, twin_seeds=1, scenarios=scenarios
    )


def test_planted_nulls_and_the_unfollowed_booth_are_not_certified(tally):
    default = {
        r["metric"]: r["status"] for r in tally.rows if r["scenario"] == "booth_not_followed_up"
    }
    assert default["emails_sent"] != "certified"  # a broadcast with no effect
    assert default["website_sessions"] != "certified"
    assert default["ad_impressions"] != "certified"  # flighted ads that move no booking
    assert default["booth_scans"] != "certified"  # nobody followed the booth up


def test_the_followed_up_booth_of_buyers_is_certified(tally):
    # Its people buy about twice as often as comparable leads: ~99% power by calculation.
    (row,) = [r for r in tally.rows if r["scenario"] == "booth_followed_up"]
    assert row["status"] == "certified" and row["lift"] > 1.5


def test_two_builds_of_the_same_files_give_identical_verdicts(tally):
    assert tally.twin_builds == [True]  # the first scenario's company, built twice


def test_the_confusion_table_names_every_planted_metric_and_target(tally):
    table = confusion_table(tally)
    for row in tally.rows:
        assert f"| {row['metric']} |" in table
    assert "certified <= 5%" in table and "two builds of the same files" in table


def test_the_decision_rule_on_exact_planted_effects():
    tally = rule_calibration(gate_settings(), replicates=20)
    certified = {case: counts.get("certified", 0) / 20 for case, counts in tally.items()}
    assert certified["null, 300 vs 3,000 at 5%"] <= 0.1  # 5% target, 20 replicates' noise
    assert certified["series null"] <= 0.1
    assert certified["series null, flighted months"] <= 0.1
    assert certified["2x on 300 at 10%"] >= 0.9
    assert certified["series moves bookings"] >= 0.8
    assert certified["flighted series moves bookings"] >= 0.8
    # Beside each planted lift, what its sample size permits: 6 events against 3 is a coin flip.
    row = next(r for r in rule_table(tally, 0.05).splitlines() if r.startswith("| 2x on 300 at 2%"))
    power, needed = row.strip("| ").split(" | ")[-2:]
    assert 40 < float(power.rstrip("%")) < 60 and int(needed.replace(",", "")) > 300
