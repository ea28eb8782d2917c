{{ config(materialized='table') }}

-- The support team's business calendar: Monday to Friday, 09:00 to 17:00 UTC (DECISIONLOG.md,
-- "Service"). Bounds and hours are vars so a team in another time zone or with other hours
-- changes configuration, not SQL. Holidays are not known to any extract and are not modelled.

{%- set calendar_start = var('business_calendar_start', '2015-01-01') %}
{%- set calendar_end = var('business_calendar_end', '2035-12-31') %}
{%- set opens_hour = var('business_day_opens_hour', 9) %}
{%- set closes_hour = var('business_day_closes_hour', 17) %}
{%- set day_start = 'cast(calendar_date as ' ~ dbt.type_timestamp() ~ ')' %}

with

days as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ calendar_start ~ "' as date)",
        "cast('" ~ calendar_end ~ "' as date)"
    ) }}

),

weekdays as (

    select
        cast(date_day as date) as calendar_date,
        -- 1970-01-05 was a Monday: days since then, modulo 7, give 0 (Monday) to 6 (Sunday)
        -- with dbt's portable datediff instead of an engine's day-of-week function.
        ({{ dbt.datediff("cast('1970-01-05' as date)", 'cast(date_day as date)', 'day') }}) % 7
        + 1 as iso_day_of_week
    from days

),

final as (

    select
        calendar_date,
        iso_day_of_week,
        iso_day_of_week <= 5 as is_business_day,
        {{ dbt.dateadd('hour', opens_hour, day_start) }} as business_opens_at,
        {{ dbt.dateadd('hour', closes_hour, day_start) }} as business_closes_at
    from weekdays

)

select * from final
