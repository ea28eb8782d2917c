"""The Great Expectations suites: one per question of the vanity test, on every evidence row.

- ``evidence``: one row per metric, every metric of the metric layer has one, and its evidence
  could be computed (too few entities or months, or a plan the gate cannot read, is unproven).
- ``bottom_line``: a driver's effect is positive in its declared direction with 95% confidence
  (the interval's lower bound above "no effect", and the one-sided p-value below alpha).
- ``reproducible``: the effect holds out of sample (estimated on the earlier half of the matured
  months, in the same direction on the later half), and the same inputs give the same values.
- ``buyers``: a metric of our own behaviour is certified on the buyers' measured response only,
  so this question is the comparison itself; here, that every driver declares whose behaviour
  it counts.

Each expectation reaches its rows with a ``row_condition`` and its unexpected rows name the
metrics (``unexpected_index_column_names=["metric_name"]``). Validated in an ephemeral context on
one pandas batch: no GX project on disk, no SQL engine, no child process.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

QUESTIONS = ("evidence", "bottom_line", "reproducible", "buyers")
DRIVERS = {"row_condition": 'role == "driver"', "condition_parser": "pandas"}
JUDGED = {
    "row_condition": 'role == "driver" and evidence_error.isnull()',
    "condition_parser": "pandas",
}


def build_suites(settings: dict, expected_metrics: list[str] | None = None) -> dict[str, list]:
    """The expectations of each question, each tagged with what it says in plain words."""
    import great_expectations.expectations as gxe

    def tag(expectation, says: str):
        expectation.meta = {"says": says}
        return expectation

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
    alpha = settings["alpha"]
    return {
        "evidence": evidence,
        "bottom_line": [
            tag(
                gxe.ExpectColumnValuesToBeBetween(
                    column="effect_low", min_value=0, strict_min=True, **JUDGED
                ),
                f"its {1 - alpha:.0%} interval excludes no effect in its declared direction",
            ),
            tag(
                gxe.ExpectColumnValuesToBeBetween(
                    column="p_value", max_value=alpha, strict_max=True, **JUDGED
                ),
                f"the link is significant (one-sided p < {alpha})",
            ),
        ],
        "reproducible": [
            tag(
                gxe.ExpectColumnValuesToBeInSet(
                    column="holds_out_of_sample", value_set=[True], **JUDGED
                ),
                "the effect found on the earlier half of the months holds on the later half",
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
                    column="subject", value_set=["buyers", "us"], **DRIVERS
                ),
                "it declares whose behaviour it counts (ours: certified on buyers' response only)",
            ),
        ],
    }


@dataclass
class Validation:
    failed: dict[str, list[str]]  # metric -> "question: what it says"
    gate_errors: dict[str, list[str]]  # question -> what went wrong in the gate itself
    docs_index: Path | None


def validate_evidence(
    evidence: pd.DataFrame,
    settings: dict,
    expected: list[str] | None = None,
    docs_dir: Path | None = None,
) -> Validation:
    """Run the four suites in an ephemeral GX context; Data Docs into ``docs_dir`` if given."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # quiet logs, runs
    for site in list(context.list_data_docs_sites()):  # the default site writes to a temp folder
        context.delete_data_docs_site(site)
    batch = (
        context.data_sources.add_pandas("gate")
        .add_dataframe_asset("metric_evidence")
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
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name="revenue_link_gate",
            validation_definitions=validations,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": ["metric_name"],
            },
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": evidence})
    if docs_dir is not None:
        # One build of the site after the run (the results are in the context's store), not
        # UpdateDataDocsAction's build per validation: each of those copied the static assets,
        # compiled the page templates and rebuilt the index again (about a quarter of the step).
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
        context.build_data_docs(site_names=["revenue_link_gate"])
    failed: dict[str, list[str]] = {name: [] for name in evidence["metric_name"]}
    gate_errors: dict[str, list[str]] = {q: [] for q in QUESTIONS}
    for validation in result.run_results.values():
        question = validation.suite_name
        for r in validation.results:
            says = r.expectation_config.meta["says"]
            if r.exception_info.get("raised_exception"):
                gate_errors[question].append(f"{says}: {r.exception_info.get('exception_message')}")
                for metric in failed:
                    failed[metric].append(f"{question}: {says} (the check could not run)")
            elif not r.success:
                unexpected = r.result.get("unexpected_index_list")
                if unexpected is None:  # a table-level failure: nothing may pass on it
                    gate_errors[question].append(f"{says}: {r.result.get('details') or r.result}")
                    for metric in failed:
                        failed[metric].append(f"{question}: {says} (the check could not judge)")
                    continue
                for item in unexpected:
                    failed[item["metric_name"]].append(f"{question}: {says}")
    return Validation(
        failed,
        {q: errors for q, errors in gate_errors.items() if errors},
        Path(docs_dir) / "index.html" if docs_dir is not None else None,
    )
