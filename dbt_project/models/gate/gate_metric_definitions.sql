{#-
    One row per metric the gate judges: the mapping (macros/gate/gate_metric_entities.sql) joined
    with what the metric layer declares in meta (subject, revenue_link.entity, direction). The
    entity the gate counts is the mapping's (what the measure's rows are); the declared
    revenue_link.entity is kept beside it. A metric the metric layer does not (yet) define has no
    declared subject (the buyers' question then fails: nothing declared, nothing certified).
-#}
{%- set declared = {} -%}
{%- if execute -%}
    {%- for node in graph.metrics.values() -%}
        {%- set meta = node.config.meta if node.config and node.config.meta else node.meta -%}
        {%- do declared.update({node.name: meta or {}}) -%}
    {%- endfor -%}
{%- endif -%}

{{ config(schema='gate') }}

with

mapping as (
    {%- for m in gate_metric_entities() %}
        {%- set meta = declared.get(m.metric, {}) %}
        {%- set link = meta.get('revenue_link') or {} %}
    select
        '{{ m.metric }}' as metric_name,
        '{{ m.entity }}' as entity_type,
        {{ "'" ~ link.entity ~ "'" if link.get('entity') else 'cast(null as varchar)' }} as declared_entity_type,
        {{ "'" ~ meta.subject ~ "'" if meta.get('subject') else 'cast(null as varchar)' }} as declared_subject,
        {{ "'" ~ meta.direction ~ "'" if meta.get('direction') else 'cast(null as varchar)' }} as direction,
        {{ "'" ~ meta.unit ~ "'" if meta.get('unit') else 'cast(null as varchar)' }} as unit,
        {{ "'" ~ (meta.owner_team or '') ~ "'" }} as owner_team,
        {{ 'true' if meta else 'false' }} as is_declared_in_metric_layer,
        {{ 'true' if m.get('revenue') else 'false' }} as is_revenue_metric,
        '{{ m.get("model", "") }}' as counted_in_model
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- Metrics the metric layer defines that the mapping does not list: judged too, with entity
-- 'unmapped' (no evidence can be computed, so they are blocked until they are mapped).
{%- set mapped = gate_metric_entities() | map(attribute='metric') | list %}
{%- set unmapped = declared.keys() | reject('in', mapped) | sort %}

unmapped as (
    {%- for name in unmapped %}
        {%- set meta = declared[name] %}
        {%- set link = meta.get('revenue_link') or {} %}
    select
        '{{ name }}' as metric_name,
        'unmapped' as entity_type,
        {{ "'" ~ link.entity ~ "'" if link.get('entity') else 'cast(null as varchar)' }} as declared_entity_type,
        {{ "'" ~ meta.subject ~ "'" if meta.get('subject') else 'cast(null as varchar)' }} as declared_subject,
        {{ "'" ~ meta.direction ~ "'" if meta.get('direction') else 'cast(null as varchar)' }} as direction,
        {{ "'" ~ meta.unit ~ "'" if meta.get('unit') else 'cast(null as varchar)' }} as unit,
        {{ "'" ~ (meta.owner_team or '') ~ "'" }} as owner_team,
        true as is_declared_in_metric_layer,
        false as is_revenue_metric,
        '' as counted_in_model
    union all
    {%- endfor %}
    select * from mapping where false
),

final as (
    select * from mapping
    union all
    select * from unmapped
)

select * from final
