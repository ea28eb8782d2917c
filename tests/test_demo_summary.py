"""``make demo``'s summary tells the demo's expected warnings from failures."""

from orchestration.demo import grouped


def test_warnings_are_grouped_by_shared_check_then_by_asset():
    checks = [
        ("raw_crm/deals", "no_quarantined_rows"),
        ("raw_ads/ad_performance", "no_quarantined_rows"),
        ("gate/metric_status", "gate_booth_scans"),
        ("gate/metric_status", "gate_ad_impressions"),
        ("metric_layer/metric_values", "every_metric_has_values_at_its_grains"),
    ]
    assert grouped(checks) == (
        "no_quarantined_rows on 2 assets, gate/metric_status: 2 checks, "
        "metric_layer/metric_values:every_metric_has_values_at_its_grains"
    )


def test_the_demo_passes_with_its_deliberate_dirt_as_warnings_only(demo_build):
    assert "Failed checks (severity ERROR): none" in demo_build.stdout
    warnings = next(line for line in demo_build.stdout.splitlines() if line.startswith("Warnings"))
    # The demo's extracts carry one deliberately malformed row in several extracts.
    assert "no_quarantined_rows on" in warnings
