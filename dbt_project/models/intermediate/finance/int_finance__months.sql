{{ config(materialized='table') }}

-- A month spine: one row per calendar month, with its first and last day. Revenue is spread over
-- it and MRR is rolled forward on it. Bounds are vars; models filter it to their data's range.

{%- set spine_start = var('finance_months_start', '2015-01-01') %}
{%- set spine_end = var('finance_months_end', '2035-12-01') %}

with

months as (

    {{ dbt.date_spine(
        'month',
        "cast('" ~ spine_start ~ "' as date)",
        "cast('" ~ spine_end ~ "' as date)"
    ) }}

),

final as (

    select
        cast(date_month as date) as month_start_date,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'date_month')) }} as date)
            as month_end_date,
        cast({{ dbt.dateadd('month', 1, 'date_month') }} as date) as next_month_start_date
    from months

)

select * from final
