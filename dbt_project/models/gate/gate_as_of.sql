-- The data's "now": the latest deal change or invoice. Entities counted less than one attribution
-- window before it have not had their full window yet (not matured) and are left out of the evidence.
{{ config(materialized='table', schema='gate') }}

with

moments as (
    select max(updated_at) as moment_at from {{ ref('deals') }}
    union all
    select max(issued_at) as moment_at from {{ ref('invoices') }}
),

final as (
    select
        max(moment_at) as as_of_at,
        {{ var('gate')['attribution_window_days'] }} as attribution_window_days,
        {{ dbt.dateadd('day', -var('gate')['attribution_window_days'], 'max(moment_at)') }} as matured_before
    from moments
)

select * from final
