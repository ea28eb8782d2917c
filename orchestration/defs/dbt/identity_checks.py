"""Identity match rates per system, shown in Dagster: how well the four silos were joined."""

import dagster as dg
from dagster_duckdb import DuckDBResource

MATCH_RATES = dg.AssetKey(["intermediate", "int_identity__match_rates"])
# Below this share of a system's records resolved to an account, the join is too weak to trust.
MIN_ACCOUNT_MATCH_RATE = 0.9


@dg.asset_check(
    asset=MATCH_RATES,
    description=f"Every system resolves at least {MIN_ACCOUNT_MATCH_RATE:.0%} of its records to an "
    "account; match rates per system in the metadata. Unmatched records are kept and counted.",
)
def identity_match_rates(warehouse: DuckDBResource) -> dg.AssetCheckResult:
    with warehouse.get_connection() as con:
        rows = con.execute(
            "select record_system, record_type, record_count, person_cross_system_rate,"
            " account_match_rate, account_unmatched_count"
            " from intermediate.int_identity__match_rates order by record_system, record_type"
        ).fetchall()
    table = ["| system | records | found in another system | account matched | unmatched |"]
    table.append("|---|---|---|---|---|")
    table += [
        f"| {system} {kind} | {count:,} | {_pct(cross)} | {_pct(account)} | {unmatched:,} |"
        for system, kind, count, cross, account, unmatched in rows
    ]
    weak = [
        f"{s} {k}"
        for s, k, _, _, rate, _ in rows
        if rate is not None and rate < MIN_ACCOUNT_MATCH_RATE
    ]
    return dg.AssetCheckResult(
        passed=not weak,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "match_rates": dg.MetadataValue.md("\n".join(table)),
            "systems_below_threshold": weak,
            **{f"account_match_rate/{s}/{k}": rate for s, k, _, _, rate, _ in rows},
        },
    )


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.1%}"
