{{
    config(
        materialized=incremental_materialization(),
        unique_key='email_event_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with

email_events as (

    select * from {{ ref('stg_marketing__email_events') }}

),

person_keys as (

    select * from {{ ref('int_person_keys_resolved') }}

),

person_accounts as (

    select * from {{ ref('int_person_accounts_resolved') }}

),

keyed_events as (

    select
        *,
        case
            when marketing_contact_id is not null
                then {{ dbt.concat(["'marketing_contact:'", 'marketing_contact_id']) }}
            when recipient_email_normalized is not null
                then {{ dbt.concat(["'email:'", 'recipient_email_normalized']) }}
        end as person_key
    from email_events

),

events_to_process as (

    select * from keyed_events
    {% if is_incremental() %}
        where
            {{ loaded_since_last_run() }}
            or email_event_id in ({{ stale_resolution_keys('email_event_id') }})
    {% endif %}

),

final as (

    select
        events_to_process.email_event_id,
        events_to_process.email_send_id,
        events_to_process.campaign_id,
        events_to_process.marketing_contact_id,
        events_to_process.person_key,
        person_keys.person_id,
        person_accounts.account_id,
        events_to_process.event_type,
        events_to_process.recipient_email_domain,
        events_to_process.occurred_at,
        events_to_process._loaded_at,
        events_to_process.event_type in ('clicked', 'replied') as is_buyer_action
    from events_to_process
    left join person_keys
        on events_to_process.person_key = person_keys.person_key
    left join person_accounts
        on person_keys.person_id = person_accounts.person_id

)

select * from final
