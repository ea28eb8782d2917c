-- Reconciliation: every deal id that entered the raw CRM extract is in core deals.
-- Returns the deal ids that went missing.
-- Several models feed this test: Dagster shows it as a check of the one it asserts on.
{{ config(meta={'dagster': {'ref': {'name': 'deals'}}}) }}

with

raw_deals as (

    select distinct deal_id from {{ source('crm', 'deals') }}

),

core_deals as (

    select deal_id from {{ ref('deals') }}

)

select raw_deals.deal_id
from raw_deals
left join core_deals
    on raw_deals.deal_id = core_deals.deal_id
where core_deals.deal_id is null
