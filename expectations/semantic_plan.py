"""What each metric counts for the gate, read from the semantic manifest (one definition each).

A metric's measure names its semantic model (the table), its entities (the keys it counts), its
time dimension and its expression; the metric's meta adds its role, unit and direction. From them
the gate derives, per metric, one of these plans (docs/revenue_gate.md, "What a metric counts"):

- ``goal`` / ``input``: the role says it (revenue by definition; money we spend).
- ``count``: a count of entities (unit count): the entities its measure counts against comparable
  entities of the same type and period that it did not count.
- ``value``: a rate, a time or an amount per entity (ratio metrics, and simple metrics whose unit is
  not a count): the entities on its good side against the others, in its declared direction.
- ``series``: no entity the gate can follow to revenue (impressions, sessions, ROI per campaign),
  or parts on different tables: the monthly series against bookings.
- ``unjudged``: the gate cannot say what the metric counts (the reason says why).

Only meta key the gate reads beyond the governance schema: ``gate.entity`` (optional) to pick which
of the semantic model's entities the metric counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# The entities whose revenue outcome the gate can follow, in order of preference when a metric's
# semantic model has several (gate_revenue_events, gate_account_mrr).
OUTCOME_ENTITIES = ("contact", "deal", "ticket")
# A metric filter the gate can read: a dimension of the measure's own semantic model. Campaign
# metrics carry the declared attribution model this way (is_default_attribution_model = true), so
# the gate judges them on that one model, as the metric layer reports them.
DIMENSION_TEMPLATE = re.compile(r"\{\{\s*Dimension\('(?:[a-z0-9_]+__)?([a-z0-9_]+)'\)\s*\}\}")


@dataclass(frozen=True)
class MeasureRows:
    """The rows of one measure: table, counted entity, time, expression, aggregation."""

    measure: str
    relation: str
    entity_expr: str | None
    time_expr: str
    expr: str
    agg: str
    account_expr: str | None = None  # tickets reach revenue through their account
    where: str | None = None  # the metric's filters, rendered on this table

    @property
    def counted_condition(self) -> str:
        """SQL: the row adds to the measure (a count: not null; a sum: not zero)."""
        if self.agg == "sum":
            return f"coalesce({self.expr}, 0) <> 0"
        return f"({self.expr}) is not null"


@dataclass(frozen=True)
class MetricPlan:
    metric: str
    role: str
    kind: str  # goal | input | count | value | series | unjudged
    direction: str
    unit: str
    subject: str
    entity_type: str | None = None
    counted: MeasureRows | None = None  # count: the counted rows; value: the population's rows
    value: MeasureRows | None = None  # value: the per-entity value (the numerator's rows)
    series_parts: tuple[MeasureRows, ...] = field(default_factory=tuple)  # series: sum(a)/sum(b)
    problem: str | None = None  # unjudged: why


def _filters(filter_block: dict[str, Any] | None) -> list[str]:
    return [w["where_sql_template"] for w in (filter_block or {}).get("where_filters", [])]


def _meta(metric: dict[str, Any]) -> dict[str, Any]:
    return (metric.get("config") or {}).get("meta") or metric.get("meta") or {}


class SemanticPlanner:
    """Derives every metric's plan from one semantic manifest."""

    def __init__(self, manifest: dict[str, Any]):
        self.metrics = {m["name"]: m for m in manifest["metrics"]}
        self.measure_home: dict[str, tuple[dict, dict]] = {}
        for model in manifest["semantic_models"]:
            for measure in model.get("measures", []):
                self.measure_home[measure["name"]] = (model, measure)

    def plans(self) -> list[MetricPlan]:
        return [self.plan(name) for name in sorted(self.metrics)]

    def population(
        self, semantic_model: str, entity: str, required: str | None = None
    ) -> MeasureRows | None:
        """Every entity of a type (those whose boolean dimension ``required`` is true, if given),
        at the time the population's semantic model counts it."""
        for model, _ in self.measure_home.values():
            if model["name"] == semantic_model:
                entity_expr = self._entity_expr(model, entity)
                time = model.get("defaults", {}).get("agg_time_dimension")
                filters = [f"{{{{ Dimension('{required}') }}}}"] if required else []
                where = self._render(model, filters)
                if entity_expr is None or time is None or where is None:
                    return None
                return MeasureRows(
                    f"population:{semantic_model}",
                    self._relation(model),
                    entity_expr,
                    self._dimension_expr(model, time),
                    entity_expr,
                    "count",
                    account_expr=self._entity_expr(model, "account"),
                    where=where or None,
                )
        return None

    def measure_rows(self, name: str) -> MeasureRows:
        """The rows of a metric of one measure, with its filters: the outcome series aggregates
        are judged against (``series_outcome_metric``), as the metric layer defines it."""
        metric = self.metrics.get(name)
        parts = self._parts(metric, _filters(metric.get("filter"))) if metric else "not a metric"
        if isinstance(parts, str) or len(parts) != 1:
            problem = parts if isinstance(parts, str) else "it is not a metric of one measure"
            raise ValueError(f"series outcome {name!r}: {problem}")
        measure, filters = parts[0]
        rows = self._rows(measure, None, filters)
        if isinstance(rows, str):
            raise ValueError(f"series outcome {name!r}: {rows}")
        return rows

    # --- one metric ----------------------------------------------------------------------------

    def plan(self, name: str) -> MetricPlan:
        metric = self.metrics[name]
        meta = _meta(metric)
        base = {
            "metric": name,
            "role": meta.get("role", "driver"),
            "direction": meta.get("direction", "higher_is_better"),
            "unit": meta.get("unit", "count"),
            "subject": meta.get("subject", "us"),
        }
        if base["role"] in ("goal", "input"):
            return MetricPlan(kind=base["role"], **base)
        parts = self._parts(metric, _filters(metric.get("filter")))
        if isinstance(parts, str):
            return MetricPlan(kind="unjudged", problem=parts, **base)
        preferred = (meta.get("gate") or {}).get("entity") or (meta.get("revenue_link") or {}).get(
            "entity"
        )
        entity = self._shared_entity([measure for measure, _ in parts], preferred)
        rows = [self._rows(measure, entity, filters) for measure, filters in parts]
        unreadable = [r for r in rows if isinstance(r, str)]
        if unreadable:
            return MetricPlan(kind="unjudged", problem=unreadable[0], **base)
        if entity is None:
            return MetricPlan(kind="series", series_parts=tuple(rows), **base)
        if len(rows) == 1 and base["unit"] == "count":
            return MetricPlan(kind="count", entity_type=entity, counted=rows[0], **base)
        numerator, denominator = rows[0], rows[-1]
        return MetricPlan(
            kind="value", entity_type=entity, counted=denominator, value=numerator, **base
        )

    def _parts(self, metric: dict[str, Any], filters: list[str]) -> list[tuple[str, list]] | str:
        """The measures behind a metric, with filters: [measure] or [numerator, denominator]."""
        params = metric.get("type_params") or {}
        kind = metric["type"]
        if kind in ("simple", "cumulative"):
            measure = params.get("measure") or {}
            if not measure.get("name"):
                return "it names no measure"
            return [(measure["name"], filters + _filters(measure.get("filter")))]
        if kind == "ratio":
            parts = []
            for side in ("numerator", "denominator"):
                reference = params.get(side) or {}
                inner = self.metrics.get(reference.get("name"))
                found = (
                    self._parts(inner, filters + _filters(inner.get("filter")))
                    if inner
                    else "a part is not a metric"
                )
                if isinstance(found, str) or len(found) != 1:
                    return f"its {side} is not a metric of one measure"
                measure, inner_filters = found[0]
                parts.append((measure, inner_filters + _filters(reference.get("filter"))))
            return parts
        return f"a {kind} metric: the gate judges the metrics it is built from"

    def _shared_entity(self, measures: list[str], preferred: str | None) -> str | None:
        """The outcome entity every part's semantic model has (preferred first), else None."""
        models = [self.measure_home[m][0] for m in measures]
        if len({model["name"] for model in models}) != 1:
            return None
        names = {e["name"] for e in models[0].get("entities", [])}
        for entity in (preferred, *OUTCOME_ENTITIES):
            if entity in OUTCOME_ENTITIES and entity in names:
                return entity
        return None

    def _rows(self, measure_name: str, entity: str | None, filters: list[str]) -> MeasureRows | str:
        model, measure = self.measure_home[measure_name]
        time = measure.get("agg_time_dimension") or model.get("defaults", {}).get(
            "agg_time_dimension"
        )
        where = self._render(model, filters)
        if where is None:
            return f"the gate cannot read its filter {' and '.join(filters)}"
        return MeasureRows(
            measure_name,
            self._relation(model),
            self._entity_expr(model, entity) if entity else None,
            self._dimension_expr(model, time),
            measure.get("expr") or measure_name,
            measure["agg"],
            account_expr=self._entity_expr(model, "account"),
            where=where or None,
        )

    def _render(self, model: dict[str, Any], filters: list[str]) -> str | None:
        """The filters as SQL on the model's table ("" for none); None when one cannot be read."""
        rendered = []
        for template in filters:
            sql = DIMENSION_TEMPLATE.sub(
                lambda m: f"({self._dimension_expr(model, m[1])})", template
            )
            if "{{" in sql:
                return None
            rendered.append(f"({sql})")
        return " and ".join(rendered)

    @staticmethod
    def _relation(model: dict[str, Any]) -> str:
        relation = model["node_relation"]
        return f"{relation['schema_name']}.{relation['alias']}"

    @staticmethod
    def _entity_expr(model: dict[str, Any], entity: str) -> str | None:
        for item in model.get("entities", []):
            if item["name"] == entity:
                return item.get("expr") or item["name"]
        return None

    @staticmethod
    def _dimension_expr(model: dict[str, Any], name: str) -> str:
        for item in model.get("dimensions", []):
            if item["name"] == name:
                return item.get("expr") or name
        return name
