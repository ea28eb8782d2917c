"""The revenue-link gate: Great Expectations suites as code, run on the evidence dbt computes.

dbt (``models/gate/``) computes one evidence row per metric (``gate.gate_metric_evidence``). Here
one suite per question of the vanity test (PRODUCT.md) judges every metric's row at once:

- ``evidence``: the evidence could be computed at all (bad input is blocked, never passed), and
  every metric of the metric layer has a row.
- ``bottom_line``: by the row's ``bottom_line_basis``: a count's entities reach revenue (revenue
  reached > 0 and the share linked at least the entity's threshold); a rate's or a time's better
  side does; a count of what should be fewer (lower_is_better) is linked through the contrast (the
  entities it does not count reach revenue, ``min_contrast_lift`` times as often as the ones it
  counts); an aggregate's monthly series correlates with bookings at some lag; revenue metrics
  pass by definition.
- ``reproducible``: the link holds in enough months; the same inputs give the same values (a
  stored hash per input fingerprint, ``gate.metric_value_history``).
- ``buyers``: it counts what buyers did, or how we answer them (DECISIONLOG.md).

Each expectation reaches the rows it concerns with a ``row_condition``, and its unexpected rows
(``unexpected_index_column_names=["metric_name"]``) say which metrics failed it. Thresholds come
from the ``gate:`` var in ``dbt_project/dbt_project.yml``, the block dbt used.

Speed (docs/revenue_gate.md): the evidence is one small row per metric, so it is read once from
DuckDB into a DataFrame and validated by an ephemeral (in-memory) GX context: one pandas batch
definition, four suites, one checkpoint, Data Docs built once per run into ``docs_dir``. No GX
project on disk is rewritten, no SQL engine is opened, and the gate needs no child process: it
reads and writes the warehouse through the one connection its caller holds (DuckDB allows one
writer or many readers, never both).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
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
    con.execute(
        "create or replace temp table gate_this_run"
        " (metric_name varchar, inputs_fingerprint varchar, values_hash varchar)"
    )
    con.executemany(
        "insert into gate_this_run values (?, ?, ?)",
        [(m, fingerprint, h) for m, h in _values_hashes(con).items()],
    )
    # The reproducibility row GX judges: this run's hash against the first one stored for the
    # same inputs (null when these inputs were never seen before: nothing to compare yet).
    con.execute(
        f"""
        create or replace table gate.metric_reproducibility as
        select this_run.*, first_seen.values_hash as first_values_hash_same_inputs
        from gate_this_run as this_run
        left join (
            select metric_name, inputs_fingerprint, arg_min(values_hash, recorded_at) as values_hash
            from {HISTORY_TABLE} group by metric_name, inputs_fingerprint
        ) as first_seen using (metric_name, inputs_fingerprint)
        """
    )
    # A hash already seen for the same inputs is not stored again: re-running the same input
    # changes nothing, while a different hash for the same inputs is kept as evidence.
    con.execute(
        f"insert into {HISTORY_TABLE} select this_run.*, ? from gate_this_run as this_run"
        f" where not exists (select 1 from {HISTORY_TABLE} as seen"
        " where seen.metric_name = this_run.metric_name"
        " and seen.inputs_fingerprint = this_run.inputs_fingerprint"
        " and seen.values_hash = this_run.values_hash)",
        [dt.datetime.now(dt.UTC).replace(tzinfo=None)],
    )


# --- the suites: one per question, every metric's row at once --------------------------------

QUESTIONS = ("evidence", "bottom_line", "reproducible", "buyers")
# The bases a count, rate or time is judged on (gate_metric_evidence.bottom_line_basis).
ENTITY_BASES = ("counted", "better_than_median", "contrast")
# A count a campaign with a ledger cost produced: judged by the campaigns' return, not a share.
RETURN_BASES = ("campaign_return",)


def _where(*bases: str) -> dict:
    values = ", ".join(f'"{b}"' for b in bases)
    return {"row_condition": f"bottom_line_basis in [{values}]", "condition_parser": "pandas"}


def build_suites(settings: dict, expected_metrics: list[str] | None = None) -> dict[str, list]:
    """The expectations of each question, each tagged with what it says in plain words."""
    import great_expectations.expectations as gxe

    def tag(expectation, says: str):
        expectation.meta = {"says": says}
        return expectation

    share_periods = settings["min_share_of_periods_linked"]
    evidence = [
        tag(gxe.ExpectColumnValuesToBeUnique(column="metric_name"), "one evidence row per metric"),
        tag(
            gxe.ExpectColumnValuesToBeNull(column="evidence_error"), "the evidence can be computed"
        ),
    ]
    if expected_metrics:
        evidence.append(
            tag(
                gxe.ExpectColumnDistinctValuesToContainSet(
                    column="metric_name", value_set=sorted(expected_metrics)
                ),
                "every metric of the metric layer has evidence",
            )
        )
    return {
        "evidence": evidence,
        "bottom_line": [
            tag(
                gxe.ExpectColumnValuesToBeBetween(
                    column="revenue_reached",
                    min_value=0,
                    strict_min=True,
                    **_where("counted", "better_than_median", *RETURN_BASES),
                ),
                "the entities it counts reach revenue",
            ),
            tag(
                gxe.ExpectColumnValuesToBeBetween(
                    column="campaign_return",
                    min_value=settings["min_campaign_return"],
                    **_where(*RETURN_BASES),
                ),
                "the campaigns behind its countings return their cost "
                f"(attributed revenue >= {settings['min_campaign_return']}x cost)",
            ),
            tag(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="bottom_line_share_linked",
                    column_B="min_share_linked",
                    or_equal=True,
                    ignore_row_if="both_values_are_missing",
                    **_where(*ENTITY_BASES),
                ),
                "enough of them reach revenue (the threshold of their entity type)",
            ),
            tag(
                gxe.ExpectColumnValuesToBeBetween(
                    column="buyer_response_lift",
                    min_value=settings["min_contrast_lift"],
                    **_where("contrast"),
                ),
                "the entities it does not count reach revenue at least "
                f"{settings['min_contrast_lift']}x as often as the ones it counts",
            ),
            tag(
                gxe.ExpectColumnValuesToBeBetween(
                    column="best_lag_correlation",
                    min_value=settings["min_correlation"],
                    **_where("series_correlation"),
                ),
                f"its monthly series correlates with bookings >= {settings['min_correlation']}",
            ),
        ],
        "reproducible": [
            tag(
                gxe.ExpectColumnValuesToBeBetween(
                    column="share_of_periods_linked",
                    min_value=share_periods,
                    **_where(*ENTITY_BASES, *RETURN_BASES),
                ),
                f"the link holds in at least {share_periods:.0%} of months",
            ),
            tag(
                gxe.ExpectColumnPairValuesToBeEqual(
                    column_A="values_hash",
                    column_B="first_values_hash_same_inputs",
                    ignore_row_if="either_value_is_missing",
                ),
                "the same inputs give the same values",
            ),
        ],
        "buyers": [
            tag(
                gxe.ExpectColumnValuesToBeInSet(
                    column="answers_to_buyers",
                    value_set=[True],
                    row_condition='bottom_line_basis != "revenue_by_definition"',
                    condition_parser="pandas",
                ),
                "it counts what buyers did, or how we answer them",
            ),
        ],
    }


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
            f"reached revenue within {window} days ({_money(row['revenue_reached'])})"
        )
        better, rest = row.get("better_share_linked"), row.get("rest_share_linked")
        if row.get("bottom_line_basis") == "contrast" and better is not None and rest is not None:
            evidence += (
                f"; the {entities} it does not count reached revenue {better:.1%} of the time, "
                f"the ones it counts {rest:.1%}"
            )
        elif row.get("bottom_line_basis") == "better_than_median" and better is not None:
            evidence += f"; the better half {better:.1%}, the rest {(rest or 0):.1%}"
        elif row.get("bottom_line_basis") == "campaign_return":
            evidence += (
                f"; its {row.get('campaigns')} campaign(s) cost {_money(row.get('campaign_cost'))}"
                f" and were credited {_money(row.get('campaign_attributed_revenue'))}"
                f" ({row.get('campaign_return_model')} attribution, return"
                f" {(row.get('campaign_return') or 0):.2f}x)"
            )
        if row.get("buyer_follow_on_lift") is not None:
            evidence += (
                f"; {(row.get('follow_on_share') or 0):.1%} of them went on to act as buyers,"
                f" comparable people {(row.get('comparable_follow_on_share') or 0):.1%}"
            )
        evidence += (
            f"; linked in {row['periods_linked']} of {row.get('periods_judged', row['periods'])}"
            f" months that could show it ({row['periods']} matured)"
        )
    if status == "exempt" and exemption is not None:
        return (
            f"Exempt until {exemption.expires.isoformat()} (approved by {exemption.approver}): "
            f"{exemption.reason} Evidence: {evidence}"
        )
    if status == "certified":
        return f"Certified: {evidence}"
    return f"Blocked: {evidence}; failed: {', '.join(failed)}"


@dataclass
class GateRun:
    """One run of the gate: the verdicts, and anything wrong with the gate itself."""

    statuses: list[MetricStatus]
    # question -> what went wrong in the gate (an expectation raised, evidence missing for a
    # metric of the metric layer): such a question's check fails, which stops publishing.
    gate_errors: dict[str, list[str]]
    docs_index: Path | None
    seconds: dict[str, float]

    def by_question(self, question: str) -> list[MetricStatus]:
        """The metrics that failed this question (their verdict may still be exempt)."""
        return [
            s
            for s in self.statuses
            if any(f.startswith(f"{question}: ") for f in s.failed_expectations)
        ]


def read_evidence(con: duckdb.DuckDBPyConnection):
    """The evidence rows (one per metric) with this run's reproducibility hashes, as a DataFrame."""
    return con.execute(
        f"select evidence.*, reproducibility.values_hash,"
        f" reproducibility.first_values_hash_same_inputs from {EVIDENCE_TABLE} as evidence"
        f" left join gate.metric_reproducibility as reproducibility using (metric_name)"
        f" order by evidence.metric_name"
    ).df()


def expected_metrics(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every metric the metric layer defines (its catalog), when it has been built."""
    if not _exists(con, "metric_layer", "metric_catalog"):
        return []
    return [
        r[0] for r in con.execute("select metric_name from metric_layer.metric_catalog").fetchall()
    ]


def validate(
    evidence,
    today: dt.date | None = None,
    exemptions: tuple[Exemption, ...] = EXEMPTIONS,
    docs_dir: Path | None = None,
    expected: list[str] | None = None,
) -> GateRun:
    """Validate the four question suites on the evidence in an ephemeral GX context."""
    import great_expectations as gx

    started = time.perf_counter()
    today = today or dt.date.today()
    settings = gate_settings()
    context = gx.get_context(mode="ephemeral")
    for site in list(
        context.list_data_docs_sites()
    ):  # the default site writes to a temporary folder
        context.delete_data_docs_site(site)
    batch = (
        context.data_sources.add_pandas("gate")
        .add_dataframe_asset("gate_metric_evidence")
        .add_batch_definition_whole_dataframe("every_metric")
    )
    validations = [
        context.validation_definitions.add(
            gx.ValidationDefinition(
                name=question,
                data=batch,
                suite=context.suites.add(gx.ExpectationSuite(name=question, expectations=items)),
            )
        )
        for question, items in build_suites(settings, expected).items()
    ]
    actions = []
    if docs_dir is not None:
        context.add_data_docs_site(
            "revenue_link_gate",
            {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        actions.append(gx.checkpoint.UpdateDataDocsAction(name="data_docs"))
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name="revenue_link_gate",
            validation_definitions=validations,
            actions=actions,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": ["metric_name"],
            },
        )
    )
    prepared = time.perf_counter()
    result = checkpoint.run(batch_parameters={"dataframe": evidence})
    validated = time.perf_counter()

    rows = evidence.to_dict("records")
    failed: dict[str, list[str]] = {row["metric_name"]: [] for row in rows}
    gate_errors: dict[str, list[str]] = {q: [] for q in QUESTIONS}
    for validation in result.run_results.values():
        question = validation.suite_name
        for r in validation.results:
            says = r.expectation_config.meta["says"]
            if r.exception_info.get("raised_exception"):
                # The gate itself is broken: every metric fails the question, and its check fails.
                message = r.exception_info.get("exception_message")
                gate_errors[question].append(f"{says}: {message}")
                for metric in failed:
                    failed[metric].append(f"{question}: {says} (the check could not run)")
            elif not r.success:
                unexpected = r.result.get("unexpected_index_list")
                if unexpected is None:  # a table-level expectation: the gate's own inputs
                    gate_errors[question].append(f"{says}: {r.result.get('details') or r.result}")
                    continue
                for item in unexpected:
                    failed[item["metric_name"]].append(f"{question}: {says}")

    exempt = active_exemptions(today, exemptions)
    statuses = []
    for row in rows:
        metric = row["metric_name"]
        evidence_row = {k: _plain(v) for k, v in row.items()}
        if not failed[metric]:
            status = "certified"
        elif metric in exempt:
            status = "exempt"
        else:
            status = "blocked"
        statuses.append(
            MetricStatus(
                metric,
                status,
                _reason(evidence_row, status, failed[metric], exempt.get(metric)),
                failed[metric],
                evidence_row,
                exempt.get(metric) if status == "exempt" else None,
            )
        )
    docs_index = None
    if docs_dir is not None:
        docs_index = Path(docs_dir) / "index.html"
        write_summary_page(docs_index, statuses)
    finished = time.perf_counter()
    return GateRun(
        statuses,
        {q: errors for q, errors in gate_errors.items() if errors},
        docs_index,
        {
            "prepare_seconds": round(prepared - started, 2),
            "validate_seconds": round(validated - prepared, 2),
            "verdict_seconds": round(finished - validated, 2),
        },
    )


def _plain(value):
    """numpy and pandas scalars as plain Python values (NaN as None)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value


def run_gate_on(
    con: duckdb.DuckDBPyConnection,
    today: dt.date | None = None,
    exemptions: tuple[Exemption, ...] = EXEMPTIONS,
    docs_dir: Path | None = None,
) -> GateRun:
    """The whole gate on an open read-write connection: hash the values, read the evidence,
    validate it in memory, write ``gate.metric_status``."""
    today = today or dt.date.today()
    started = time.perf_counter()
    record_values(con)
    evidence = read_evidence(con)
    expected = expected_metrics(con)
    read = time.perf_counter()
    run = validate(evidence, today, exemptions, docs_dir, expected)
    written = time.perf_counter()
    write_status(con, run.statuses, today)
    run.seconds = {
        "read_seconds": round(read - started, 2),
        **run.seconds,
        "write_seconds": round(time.perf_counter() - written, 2),
        "total_seconds": round(time.perf_counter() - started, 2),
    }
    return run


def run_gate(
    warehouse_path: str | Path,
    today: dt.date | None = None,
    exemptions: tuple[Exemption, ...] = EXEMPTIONS,
    docs_dir: Path | None = None,
) -> GateRun:
    """The gate on a warehouse file (the caller must not hold a connection to it)."""
    con = duckdb.connect(str(warehouse_path))
    try:
        return run_gate_on(con, today, exemptions, docs_dir)
    finally:
        con.close()


def write_status(
    con: duckdb.DuckDBPyConnection, statuses: list[MetricStatus], today: dt.date
) -> None:
    """gate.metric_status: one row per metric, the table the publish step filters on."""
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


def write_summary_page(docs_index: Path, statuses: list[MetricStatus]) -> None:
    """The same verdict text as a page beside the Data Docs index."""
    import html

    text = format_summary([(s.metric_name, s.status, s.reason) for s in statuses])
    docs_index.parent.mkdir(parents=True, exist_ok=True)
    (docs_index.parent / "revenue_link_gate.html").write_text(
        "<html><head><title>Revenue-link gate</title></head><body><h1>Revenue-link gate"
        f"</h1><pre>{html.escape(text)}</pre><p><a href='index.html'>Validation results"
        "</a></p></body></html>"
    )
