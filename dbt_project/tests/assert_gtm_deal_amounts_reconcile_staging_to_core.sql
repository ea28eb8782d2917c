-- Reconciliation: deal counts and amount totals (all, won) are the same in staging, core deals
-- and the sales pipeline mart. Returns one row per layer that disagrees with staging.
-- Several models feed this test: Dagster shows it as a check of the one it asserts on.
{{ config(meta={'dagster': {'ref': {'name': 'deals'}}}) }}

with

staging as (

    select
        count(*) as deal_count,
        coalesce(sum(amount), 0) as total_amount,
        coalesce(sum(case when deal_stage = 'closed_won' then amount else 0 end), 0) as won_amount
    from {{ ref('stg_crm__deals') }}

),

core as (

    select
        count(*) as deal_count,
        coalesce(sum(amount), 0) as total_amount,
        coalesce(sum(case when is_won then amount else 0 end), 0) as won_amount
    from {{ ref('deals') }}

),

pipeline as (

    select
        count(*) as deal_count,
        coalesce(sum(amount), 0) as total_amount,
        coalesce(sum(bookings_amount), 0) as won_amount
    from {{ ref('pipeline') }}

),

layers as (

    select
        'core' as layer,
        *
    from core
    union all
    select
        'pipeline' as layer,
        *
    from pipeline

)

select
    layers.layer,
    layers.deal_count,
    staging.deal_count as staging_deal_count,
    layers.total_amount,
    staging.total_amount as staging_total_amount,
    layers.won_amount,
    staging.won_amount as staging_won_amount
from layers
cross join staging
where
    layers.deal_count != staging.deal_count
    or layers.total_amount != staging.total_amount
    or layers.won_amount != staging.won_amount
