{#-
    Every entity each metric counts, when it was counted, and its per-entity value: generated from
    the one declarative mapping (macros/gate/gate_metric_entities.sql). Aggregates (entity none)
    and revenue metrics count no entity here (see gate_metric_series). Rows of the comparison
    populations (`__population__<entity>`) sit beside them, for the buyer-response lift.
    A row per metric, entity, person through whom it is counted and moment (repeated identical
    countings, e.g. two touches at the same second, count once).
-#}
{{ config(materialized='table', schema='gate') }}

with

counted as (
    {%- set first = namespace(done=false) %}
    {%- for m in gate_metric_entities() + gate_populations() if m.entity != 'none' and not m.get('revenue') %}
    {%- if first.done %}
    union all
    {%- endif %}
    {%- set first.done = true %}
    select distinct
        '{{ m.metric }}' as metric_name,
        '{{ m.entity }}' as entity_type,
        cast({{ m.id }} as varchar) as entity_id,
        cast({{ m.get('person', 'null') }} as varchar) as via_person_id,
        cast({{ m.get('account', 'null') }} as varchar) as via_account_id,
        cast({{ m.get('campaign', 'null') }} as varchar) as via_campaign_id,
        cast({{ m.at }} as timestamp) as counted_at,
        cast({{ m.get('value', 'null') }} as double) as entity_value,
        coalesce({{ m.get('buyer_act', gate_buyer_act(m.model)) }}, false) as is_buyer_act
    from {{ ref(m.model) }}
    where {{ m.id }} is not null
        and {{ m.at }} is not null
        {%- if m.get('where') %}
        and ({{ m.where }})
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        *,
        {{ dbt.date_trunc('month', 'counted_at') }} as counted_month
    from counted
)

select * from final
