-- The data's "now": the latest deal change or invoice. Entities counted less than one
-- attribution window before it have not had their full window yet (not matured) and are left out
-- of the evidence. A company that has rolled out neither CRM nor billing yet (helpdesk or
-- marketing only) still has a now: its latest ticket change or touch.
{{ config(materialized='table', schema='gate') }}

{%- set window_days = var('gate')['attribution_window_days'] %}

with

revenue_moments as (
    select max(updated_at) as moment_at from {{ ref('deals') }}
    union all
    select max(issued_at) as moment_at from {{ ref('invoices') }}
),

other_moments as (
    select max(updated_at) as moment_at from {{ ref('tickets') }}
    union all
    select max(occurred_at) as moment_at from {{ ref('touches') }}
),

data_now as (
    select
        coalesce(
            (select max(moment_at) from revenue_moments),
            (select max(moment_at) from other_moments)
        ) as as_of_at
),

final as (
    select
        as_of_at,
        {{ window_days }} as attribution_window_days,
        {{ dbt.dateadd('day', -window_days, 'as_of_at') }} as matured_before
    from data_now
)

select * from final
