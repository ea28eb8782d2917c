"""Governance rules every metric's ``meta`` must follow (the same rules as the dbt macro
``assert_metric_governance`` that fails ``dbt build``; this copy checks a semantic manifest from
Python: the tests and the Dagster asset run it, and it also covers metrics other teams add)."""

from __future__ import annotations

from collections import Counter
from typing import Any

OWNER_TEAMS = ("marketing", "sales", "service", "finance", "revops")
UNITS = ("count", "usd", "ratio", "hours", "days", "score")
DIRECTIONS = ("higher_is_better", "lower_is_better")
SUBJECTS = ("buyers", "us")
# The gate's role (docs/revenue_gate.md): linked by definition, money we spend, or judged
# on evidence.
ROLES = ("goal", "input", "driver")
REVENUE_LINK_ENTITIES = ("contact", "account", "campaign", "deal", "ticket", "subscription", "none")
# all_time: one value per dimension over the whole history (marts that show all-time figures).
GRAINS = ("day", "week", "month", "quarter", "all_time")
OWNER_ROLE_WORDS = (
    "head",
    "chief",
    "vp",
    "director",
    "manager",
    "lead",
    "officer",
    "owner",
    "team",
    "operations",
    "analyst",
    "engineer",
)


class MetricGovernanceError(ValueError):
    """One or more metrics break the governance rules; the message names each one."""


def metric_meta(metric: dict[str, Any]) -> dict[str, Any]:
    return (metric.get("config") or {}).get("meta") or metric.get("meta") or {}


def governance_errors(metric: dict[str, Any]) -> list[str]:
    """What is wrong with one metric's meta (empty when nothing is)."""
    meta = metric_meta(metric)
    errors = []
    for key in ("owner_team", "owner", "unit", "direction", "action", "subject", "role"):
        if not str(meta.get(key) or "").strip():
            errors.append(f"meta.{key} is missing")
    for key, allowed in (
        ("owner_team", OWNER_TEAMS),
        ("unit", UNITS),
        ("direction", DIRECTIONS),
        ("subject", SUBJECTS),
        ("role", ROLES),
    ):
        if meta.get(key) is not None and meta.get(key) not in allowed:
            errors.append(f"meta.{key} = {meta.get(key)} is not one of {', '.join(allowed)}")
    owner = str(meta.get("owner") or "").lower()
    if owner and not (set(owner.split()) & set(OWNER_ROLE_WORDS) or "vice president" in owner):
        errors.append(f"meta.owner = {meta.get('owner')} is not a role")
    link = meta.get("revenue_link")
    if not isinstance(link, dict):
        errors.append("meta.revenue_link is missing")
    else:
        if link.get("entity") not in REVENUE_LINK_ENTITIES:
            errors.append(
                f"meta.revenue_link.entity = {link.get('entity')} is not one of "
                + ", ".join(REVENUE_LINK_ENTITIES)
            )
        if not str(link.get("path") or "").strip():
            errors.append("meta.revenue_link.path is missing")
    grains = meta.get("grains")
    if not isinstance(grains, list) or not grains:
        errors.append("meta.grains is missing (a list of " + ", ".join(GRAINS) + ")")
    else:
        errors += [
            f"meta.grains has {g}, not one of {', '.join(GRAINS)}"
            for g in grains
            if g not in GRAINS
        ]
    if not isinstance(meta.get("dimensions"), list):
        errors.append("meta.dimensions is missing (a list, [] for none)")
    return errors


def check_semantic_manifest(raw: dict[str, Any]) -> None:
    """Raise MetricGovernanceError naming every metric that breaks a rule or is defined twice."""
    metrics = raw.get("metrics", [])
    problems = [
        f"{name}: defined {count} times"
        for name, count in sorted(Counter(m["name"] for m in metrics).items())
        if count > 1
    ]
    for metric in sorted(metrics, key=lambda m: m["name"]):
        problems += [f"{metric['name']}: {error}" for error in governance_errors(metric)]
    if problems:
        raise MetricGovernanceError(
            f"Metric governance failed for {len(problems)} problem(s):\n  " + "\n  ".join(problems)
        )
