-- Reconciliation: every sales activity, registration and booth scan in staging is a touch.
-- Returns the source records that have no touch.
-- Several models feed this test: Dagster shows it as a check of the one it asserts on.
{{ config(meta={'dagster': {'ref': {'name': 'touches'}}}) }}

with

activities as (

    select
        activity_id as source_record_id,
        'crm' as source_system
    from {{ ref('stg_crm__activities') }}

),

booth_scans as (

    select
        booth_scan_id as source_record_id,
        'events' as source_system
    from {{ ref('stg_events__booth_scans') }}

),

registrations as (

    select
        event_registration_id as source_record_id,
        'events' as source_system
    from {{ ref('stg_events__registrations') }}

),

expected as (

    select * from activities
    union all
    select * from booth_scans
    union all
    select * from registrations

),

touches as (

    select distinct
        source_system,
        source_record_id
    from {{ ref('touches') }}

)

select expected.*
from expected
left join touches
    on
        expected.source_system = touches.source_system
        and expected.source_record_id = touches.source_record_id
where touches.source_record_id is null
