"""The revenue-link gate: Great Expectations suites as code, run on the evidence dbt computes.

dbt (``models/gate/``) computes one evidence row per metric (``gate.gate_metric_evidence``). Here
each metric gets a suite with one expectation per question of the vanity test (PRODUCT.md):

- ``bottom_line``: the entities it counts reach revenue (revenue reached > 0 and share linked at
  least the entity's threshold); for aggregates, the monthly series correlates with bookings at
  some lag. Revenue metrics pass by definition (declared, not measured).
- ``reproducible``: the link holds in enough periods; the metric's values are the same for the
  same inputs (a stored hash per input fingerprint, ``gate.metric_value_history``).
- ``buyers``: it counts what buyers did, or how we answer what buyers did (DECISIONLOG.md).
- ``evidence``: the evidence could be computed at all (bad input is blocked, never passed).

Thresholds come from the ``gate:`` var in ``dbt_project/dbt_project.yml``, the same block dbt used.
Every run builds the Data Docs (``expectations/gx/uncommitted/data_docs``).

The duckdb-engine trap (GX issue #11579): GX 1.24 runs a query inside ``with get_connection()``
and reads the SQLAlchemy result *after* the connection closed; duckdb-engine's cursor is gone by
then, so every expectation errors with ``IndexError: list index out of range`` (an empty result).
The fix, ``buffered_results()``, buffers the rows (``Result.freeze()``) while the connection is
open; validation still pushes down to DuckDB (no pandas round trip). GX connects read-only
(``?access_mode=read_only``) so it never takes DuckDB's write lock: one process may write a file
or many may read it, never both, so the gate writes its tables before and after GX, not during.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from expectations.exemptions import EXEMPTIONS, Exemption, active_exemptions

EXPECTATIONS_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = EXPECTATIONS_DIR.parent
DBT_PROJECT_FILE = PROJECT_ROOT / "dbt_project" / "dbt_project.yml"
EVIDENCE_TABLE = "gate.gate_metric_evidence"
STATUS_TABLE = "gate.metric_status"
HISTORY_TABLE = "gate.metric_value_history"
REVENUE_METRICS_NOTE = "a revenue metric: linked to revenue by definition"

log = logging.getLogger(__name__)


def gate_settings() -> dict:
    """The ``gate:`` var block of dbt_project.yml (thresholds, attribution window)."""
    return yaml.safe_load(DBT_PROJECT_FILE.read_text())["vars"]["gate"]


@dataclass
class MetricStatus:
    metric_name: str
    status: str  # certified | blocked | exempt
    reason: str
    failed_expectations: list[str] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)
    exemption: Exemption | None = None


# --- the duckdb-engine fix -------------------------------------------------------------------


@contextlib.contextmanager
def buffered_results() -> Iterator[None]:
    """Make GX read query results while the connection is still open (see module docstring)."""
    from great_expectations.execution_engine import SqlAlchemyExecutionEngine

    original = SqlAlchemyExecutionEngine._execute_query_with_recovery

    def buffered(connection, query):
        result = original(connection, query)
        if not getattr(result, "returns_rows", False):
            return result
        return result.freeze()()  # a Result over rows already fetched

    SqlAlchemyExecutionEngine._execute_query_with_recovery = staticmethod(buffered)
    try:
        yield
    finally:
        SqlAlchemyExecutionEngine._execute_query_with_recovery = staticmethod(original)


# --- reproducibility: the metric's values hashed per input fingerprint ------------------------


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def _values_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Hash of each metric's values: the metric layer's metric_values when it has the metric, else
    the gate's own monthly evidence (counted entities per month, or the aggregate's series)."""
    hashes: dict[str, str] = {}
    queries = [
        "select metric_name, md5(string_agg(period_start::varchar || '|' || metric_value::varchar,"
        " ';' order by period_start)) from gate.gate_metric_series group by 1",
        "select metric_name, md5(string_agg(period_start::varchar || '|'"
        " || entities_counted::varchar || '|' || entities_reached::varchar || '|'"
        " || round(revenue_reached, 2)::varchar, ';'"
        " order by period_start)) from gate.gate_metric_evidence_periods group by 1",
    ]
    if _exists(con, "metric_layer", "metric_values"):
        queries.append(
            "select metric_name, md5(string_agg(concat_ws('|', grain, period_start, dimension_name,"
            " dimension_value, round(value, 9)), ';' order by grain, period_start, dimension_name,"
            " dimension_value)) from metric_layer.metric_values group by 1"
        )
    for query in queries:  # later sources win
        hashes.update(dict(con.execute(query).fetchall()))
    return hashes


def record_values(con: duckdb.DuckDBPyConnection) -> None:
    """Store this run's value hashes under the inputs' fingerprint (the loaded files' checksums)."""
    con.execute("create schema if not exists gate")
    con.execute(
        f"create table if not exists {HISTORY_TABLE} (metric_name varchar, inputs_fingerprint"
        " varchar, values_hash varchar, recorded_at timestamp)"
    )
    fingerprint = con.execute(
        "select md5(coalesce(string_agg(file_sha256, ',' order by file_sha256), ''))"
        " from raw_meta.loaded_files"
    ).fetchone()[0]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = [(m, fingerprint, h, now) for m, h in _values_hashes(con).items()]
    con.executemany(f"insert into {HISTORY_TABLE} values (?, ?, ?, ?)", rows)
    # The reproducibility row GX judges: this run's hash against the first one stored for the
    # same inputs (null when these inputs were never seen before: nothing to compare yet).
    con.execute(
        f"""
        create or replace table gate.metric_reproducibility as
        with ranked as (
            select *, row_number() over (partition by metric_name, inputs_fingerprint
                order by recorded_at, values_hash) as nth
            from {HISTORY_TABLE}
        ),
        latest as (
            select * from {HISTORY_TABLE}
            where recorded_at = (select max(recorded_at) from {HISTORY_TABLE})
        )
        select latest.metric_name, latest.inputs_fingerprint, latest.values_hash,
            case when first.recorded_at < latest.recorded_at then first.values_hash end
                as first_values_hash_same_inputs
        from latest
        left join ranked as first on first.metric_name = latest.metric_name
            and first.inputs_fingerprint = latest.inputs_fingerprint and first.nth = 1
        """
    )


# --- the suites --------------------------------------------------------------------------------


def build_expectations(row: dict, settings: dict) -> list:
    """One expectation per question for one metric, from its evidence row's kind."""
    import great_expectations.expectations as gxe

    def tag(expectation, question: str, says: str):
        expectation.meta = {"question": question, "says": says}
        return expectation

    expectations = [
        tag(gxe.ExpectTableRowCountToEqual(value=1), "evidence", "the metric has evidence"),
    ]
    if row["is_revenue_metric"]:
        expectations.append(
            tag(
                gxe.ExpectColumnValuesToBeInSet(column="is_revenue_metric", value_set=[True]),
                "bottom_line",
                f"{REVENUE_METRICS_NOTE} (declared in the gate's mapping)",
            )
        )
    else:
        expectations.append(
            tag(
                gxe.ExpectColumnValuesToBeNull(column="evidence_error"),
                "evidence",
                "the evidence can be computed",
            )
        )
        if row["entity_type"] == "none":
            expectations.append(
                tag(
                    gxe.ExpectColumnValuesToBeBetween(
                        column="best_lag_correlation", min_value=settings["min_correlation"]
                    ),
                    "bottom_line",
                    f"its monthly series correlates with bookings >= {settings['min_correlation']}",
                )
            )
        else:
            share = settings["min_share_linked"][row["entity_type"]]
            expectations += [
                tag(
                    gxe.ExpectColumnValuesToBeBetween(
                        column="revenue_reached", min_value=0, strict_min=True
                    ),
                    "bottom_line",
                    "the entities it counts reach revenue",
                ),
                tag(
                    gxe.ExpectColumnValuesToBeBetween(
                        column="bottom_line_share_linked", min_value=share
                    ),
                    "bottom_line",
                    f"at least {share:.0%} of them reach revenue",
                ),
                tag(
                    gxe.ExpectColumnValuesToBeBetween(
                        column="share_of_periods_linked",
                        min_value=settings["min_share_of_periods_linked"],
                    ),
                    "reproducible",
                    f"the link holds in at least {settings['min_share_of_periods_linked']:.0%} "
                    "of months",
                ),
            ]
        expectations.append(
            tag(
                gxe.ExpectColumnValuesToBeInSet(column="answers_to_buyers", value_set=[True]),
                "buyers",
                "it counts what buyers did, or how we answer them",
            )
        )
    expectations.append(
        tag(
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="values_hash",
                column_B="first_values_hash_same_inputs",
                ignore_row_if="either_value_is_missing",
            ),
            "reproducible",
            "the same inputs give the same values",
        )
    )
    return expectations


def _money(x: float | None) -> str:
    return f"${(x or 0):,.0f}"


def _reason(row: dict, status: str, failed: list[str], exemption: Exemption | None) -> str:
    """One business-readable line."""
    window = row.get("attribution_window_days")
    entities = {
        "contact": "people",
        "deal": "deals",
        "ticket": "tickets",
        "account": "accounts",
        "campaign": "campaigns",
        "subscription": "subscriptions",
    }.get(row.get("entity_type"), "entities")
    if row.get("is_revenue_metric"):
        evidence = REVENUE_METRICS_NOTE
    elif row.get("evidence_error"):
        evidence = f"evidence cannot be computed: {row['evidence_error']}"
    elif row.get("entity_type") == "none":
        corr = row.get("best_lag_correlation")
        evidence = (
            f"counts no buyer; its monthly series correlates {corr:+.2f} with bookings "
            f"{row.get('best_lag_months')} month(s) later (best lag)"
            if corr is not None
            else "counts no buyer and its series does not vary"
        )
    else:
        evidence = (
            f"of {row['counted_entities']:,} {entities} it counts, {row['entities_reached']:,} "
            f"reached revenue within {window} days ({_money(row['revenue_reached'])}); "
            f"linked in {row['periods_linked']} of {row['periods']} months"
        )
    if status == "exempt" and exemption is not None:
        return (
            f"Exempt until {exemption.expires.isoformat()} (approved by {exemption.approver}): "
            f"{exemption.reason} Evidence: {evidence}"
        )
    if status == "certified":
        return f"Certified: {evidence}"
    return f"Blocked: {evidence}; failed: {', '.join(failed)}"


def run_gate(
    warehouse_path: str | Path,
    today: dt.date | None = None,
    exemptions: tuple[Exemption, ...] = EXEMPTIONS,
    gx_dir: Path | None = None,
    build_docs: bool = True,
) -> list[MetricStatus]:
    """Validate in a child process (GX's engine keeps DuckDB open read-only), then write the status.

    The caller must not hold a connection to the warehouse (DuckDB: one writer or many readers).
    """
    import multiprocessing

    today = today or dt.date.today()
    con = duckdb.connect(str(warehouse_path))
    try:
        record_values(con)
    finally:
        con.close()
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        statuses = pool.apply(
            validate, (str(warehouse_path), today, exemptions, gx_dir, build_docs)
        )
    write_status(str(warehouse_path), statuses, today)
    return statuses


def validate(
    warehouse_path: str | Path,
    today: dt.date | None = None,
    exemptions: tuple[Exemption, ...] = EXEMPTIONS,
    gx_dir: Path | None = None,
    build_docs: bool = True,
) -> list[MetricStatus]:
    """Validate every metric's suite in GX (read-only) and decide each metric's status."""
    import great_expectations as gx

    warehouse_path = str(warehouse_path)
    today = today or dt.date.today()
    settings = gate_settings()

    con = duckdb.connect(warehouse_path, read_only=True)
    try:
        rows = [
            dict(zip([d[0] for d in cur.description], r, strict=True))
            for cur in [con.execute(f"select * from {EVIDENCE_TABLE} order by metric_name")]
            for r in cur.fetchall()
        ]
    finally:
        con.close()

    context = gx.get_context(mode="file", project_root_dir=str(gx_dir or EXPECTATIONS_DIR))
    datasource = context.data_sources.add_or_update_sql(
        "warehouse", connection_string=f"duckdb:///{warehouse_path}?access_mode=read_only"
    )
    validations = []
    for row in rows:
        metric = row["metric_name"]
        name = f"gate__{metric}"
        for existing in [a.name for a in datasource.assets if a.name == name]:
            datasource.delete_asset(existing)
        asset = datasource.add_query_asset(
            name=name,
            query=(
                f"select evidence.*, reproducibility.values_hash,"
                f" reproducibility.first_values_hash_same_inputs from {EVIDENCE_TABLE} as evidence"
                f" left join gate.metric_reproducibility as reproducibility"
                f" using (metric_name) where evidence.metric_name = '{metric}'"
            ),
        )
        batch = asset.add_batch_definition_whole_table("evidence")
        suite = context.suites.add_or_update(
            gx.ExpectationSuite(name=name, expectations=build_expectations(row, settings))
        )
        validations.append(
            context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=name, data=batch, suite=suite)
            )
        )
    actions = [gx.checkpoint.UpdateDataDocsAction(name="data_docs")] if build_docs else []
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name="revenue_link_gate",
            validation_definitions=validations,
            actions=actions,
            result_format="SUMMARY",
        )
    )
    with buffered_results():
        result = checkpoint.run()
    # Release GX's read-only connections before this process writes the status table.
    datasource.get_execution_engine().engine.dispose()

    by_suite = {r.suite_name: r for r in result.run_results.values()}
    exempt = active_exemptions(today, exemptions)
    statuses = []
    for row in rows:
        metric = row["metric_name"]
        validation = by_suite[f"gate__{metric}"]
        failed = [
            f"{r.expectation_config.meta['question']}: {r.expectation_config.meta['says']}"
            + (
                f" ({r.exception_info.get('exception_message')})"
                if r.exception_info.get("raised_exception")
                else ""
            )
            for r in validation.results
            if not r.success
        ]
        if not failed:
            status = "certified"
        elif metric in exempt:
            status = "exempt"
        else:
            status = "blocked"
        evidence = {
            k: (float(v) if hasattr(v, "as_integer_ratio") and not isinstance(v, bool) else v)
            for k, v in row.items()
        }
        statuses.append(
            MetricStatus(
                metric,
                status,
                _reason(row, status, failed, exempt.get(metric)),
                failed,
                evidence,
                exempt.get(metric),
            )
        )
    if build_docs:
        write_summary_page(context, statuses)
    return statuses


def write_status(warehouse_path: str, statuses: list[MetricStatus], today: dt.date) -> None:
    con = duckdb.connect(warehouse_path)
    try:
        con.execute("create schema if not exists gate")
        con.execute(
            f"""create or replace table {STATUS_TABLE} (
                metric_name varchar primary key, status varchar not null, reason varchar not null,
                failed_expectations varchar[], entity_type varchar, declared_subject varchar,
                counted_entities bigint, entities_reached bigint, revenue_reached double,
                share_linked double, periods bigint, periods_linked bigint,
                best_lag_months integer, best_lag_correlation double, buyer_response_lift double,
                exemption_approver varchar, exemption_expires date, judged_on date)"""
        )
        con.executemany(
            f"insert into {STATUS_TABLE} values ({', '.join(['?'] * 18)})",
            [
                (
                    s.metric_name,
                    s.status,
                    s.reason,
                    s.failed_expectations,
                    s.evidence.get("entity_type"),
                    s.evidence.get("declared_subject"),
                    s.evidence.get("counted_entities"),
                    s.evidence.get("entities_reached"),
                    s.evidence.get("revenue_reached"),
                    s.evidence.get("bottom_line_share_linked"),
                    s.evidence.get("periods"),
                    s.evidence.get("periods_linked"),
                    s.evidence.get("best_lag_months"),
                    s.evidence.get("best_lag_correlation"),
                    s.evidence.get("buyer_response_lift"),
                    s.exemption.approver if s.exemption else None,
                    s.exemption.expires if s.exemption else None,
                    today,
                )
                for s in statuses
            ],
        )
    finally:
        con.close()


def format_summary(statuses: list[tuple[str, str, str]]) -> str:
    order = {"certified": 0, "exempt": 1, "blocked": 2}
    counts = {k: sum(1 for _, s, _ in statuses if s == k) for k in order}
    lines = [
        "Revenue-link gate: "
        + ", ".join(f"{counts[k]} {k}" for k in order)
        + " (blocked metrics are not published)"
    ]
    for metric, status, reason in sorted(statuses, key=lambda s: (order[s[1]], s[0])):
        lines.append(f"  {status:<9} {metric}: {reason}")
    return "\n".join(lines)


def verdict_summary(warehouse_path: str | Path) -> str:
    """The gate's verdict, one line per metric (certified, exempt, blocked): gate.metric_status."""
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        if not _exists(con, "gate", "metric_status"):
            return "Revenue-link gate: not run yet (no gate.metric_status)."
        rows = con.execute(f"select metric_name, status, reason from {STATUS_TABLE}").fetchall()
    finally:
        con.close()
    return format_summary(rows)


def write_summary_page(context, statuses: list[MetricStatus]) -> None:
    """The same verdict text as a page beside the Data Docs index."""
    import html

    text = format_summary([(s.metric_name, s.status, s.reason) for s in statuses])
    for site in context.get_docs_sites_urls():
        url = site.get("site_url") or ""
        if url.startswith("file://"):
            index = Path(url.removeprefix("file://"))
            page = index.parent / "revenue_link_gate.html"
            page.write_text(
                "<html><head><title>Revenue-link gate</title></head><body><h1>Revenue-link gate"
                f"</h1><pre>{html.escape(text)}</pre><p><a href='index.html'>Validation results"
                "</a></p></body></html>"
            )
