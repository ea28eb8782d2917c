{#-
    Monthly series of the aggregate metrics (entity none) beside monthly bookings, for the lagged
    correlation: an aggregate counts no entity that could reach revenue, so the only evidence is
    whether its series moves with revenue a few months later.
-#}
{{ config(materialized='table', schema='gate') }}

with

{%- for m in gate_metric_entities() if m.entity == 'none' %}
series_{{ loop.index }} as (
    select
        '{{ m.metric }}' as metric_name,
        cast({{ dbt.date_trunc('month', m.at) }} as date) as period_start,
        cast(sum({{ m.series }}) as double) as metric_value
    from {{ ref(m.model) }}
    where {{ m.at }} is not null
    group by 1, 2
),
{%- endfor %}

series as (
    {%- for m in gate_metric_entities() if m.entity == 'none' %}
    select * from series_{{ loop.index }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

bookings as (
    select
        cast(revenue_month as date) as period_start,
        cast(bookings_amount as double) as bookings
    from {{ ref('revenue_by_month') }}
),

as_of as (
    select cast({{ dbt.date_trunc('month', 'as_of_at') }} as date) as as_of_month from {{ ref('gate_as_of') }}
),

final as (
    select
        series.metric_name,
        series.period_start,
        series.metric_value,
        {%- for lag in range(var('gate')['max_lag_months'] + 1) %}
        bookings_{{ lag }}.bookings as bookings_lag_{{ lag }},
        {%- endfor %}
        series.period_start < as_of.as_of_month as is_complete
    from series
    cross join as_of
    {%- for lag in range(var('gate')['max_lag_months'] + 1) %}
    left join bookings as bookings_{{ lag }}
        on bookings_{{ lag }}.period_start = {{ dbt.dateadd('month', lag, 'series.period_start') }}
    {%- endfor %}
)

select * from final
