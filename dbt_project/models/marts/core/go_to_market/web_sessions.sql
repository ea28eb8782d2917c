{{
    config(
        materialized=incremental_materialization(),
        unique_key='session_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with

sessions as (

    select * from {{ ref('stg_web__sessions') }}

),

campaigns as (

    select * from {{ ref('stg_marketing__campaigns') }}

),

person_keys as (

    select * from {{ ref('int_person_keys_resolved') }}

),

person_accounts as (

    select * from {{ ref('int_person_accounts_resolved') }}

),

keyed_sessions as (

    select
        *,
        case
            when marketing_contact_id is not null
                then {{ dbt.concat(["'marketing_contact:'", 'marketing_contact_id']) }}
        end as person_key
    from sessions

),

sessions_to_process as (

    select * from keyed_sessions
    {% if is_incremental() %}
        where
            {{ loaded_since_last_run() }}
            or session_id in ({{ stale_resolution_keys('session_id') }})
    {% endif %}

),

campaigns_by_utm as (

    select
        utm_campaign,
        min(campaign_id) as campaign_id
    from campaigns
    where utm_campaign is not null
    group by utm_campaign

),

final as (

    select
        sessions_to_process.session_id,
        sessions_to_process.anonymous_id,
        sessions_to_process.marketing_contact_id,
        sessions_to_process.person_key,
        person_keys.person_id,
        person_accounts.account_id,
        campaigns_by_utm.campaign_id,
        {{ web_session_channel(
            'campaigns.channel',
            'sessions_to_process.utm_medium',
            'sessions_to_process.referrer_host'
        ) }} as channel,
        sessions_to_process.landing_page,
        sessions_to_process.referrer_host,
        sessions_to_process.utm_source,
        sessions_to_process.utm_medium,
        sessions_to_process.utm_campaign,
        sessions_to_process.duration_seconds,
        sessions_to_process.pageview_count,
        sessions_to_process.has_submitted_form,
        sessions_to_process.marketing_contact_id is not null as is_identified,
        sessions_to_process.started_at,
        sessions_to_process._loaded_at
    from sessions_to_process
    left join campaigns_by_utm
        on sessions_to_process.utm_campaign = campaigns_by_utm.utm_campaign
    left join campaigns
        on campaigns_by_utm.campaign_id = campaigns.campaign_id
    left join person_keys
        on sessions_to_process.person_key = person_keys.person_key
    left join person_accounts
        on person_keys.person_id = person_accounts.person_id

)

select * from final
