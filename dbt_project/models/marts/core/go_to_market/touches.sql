{{
    config(
        materialized=incremental_materialization(),
        unique_key='touch_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

-- Every marketing and sales interaction with a person, one row each (DECISIONLOG.md, "Touches").
-- initiated_by: 'buyer' when the person acted (form submit, ad click, site visit, email click or
-- reply, registration, attendance, inbound call/email/meeting), 'us' when we did (booth scan,
-- outbound call/email/meeting).

with

sessions as (

    select * from {{ ref('stg_web__sessions') }}

),

email_events as (

    select * from {{ ref('stg_marketing__email_events') }}

),

registrations as (

    select * from {{ ref('stg_events__registrations') }}

),

booth_scans as (

    select * from {{ ref('stg_events__booth_scans') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

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

campaigns_by_utm as (

    select
        utm_campaign,
        min(campaign_id) as campaign_id
    from campaigns
    where utm_campaign is not null
    group by utm_campaign

),

-- Identified web sessions: a form submit, else an ad click (a paid campaign's link), else a visit.
web_touches as (

    select
        {{ dbt.concat(["'web_session:'", 'sessions.session_id']) }} as touch_id,
        case
            when sessions.has_submitted_form then 'form_submit'
            when campaigns.channel in ('paid_social', 'paid_search', 'display') then 'ad_click'
            else 'web_visit'
        end as touch_type,
        'buyer' as initiated_by,
        {{ web_session_channel(
            'campaigns.channel', 'sessions.utm_medium', 'sessions.referrer_host'
        ) }}
            as channel,
        sessions.started_at as occurred_at,
        {{ dbt.concat(["'marketing_contact:'", 'sessions.marketing_contact_id']) }} as person_key,
        campaigns_by_utm.campaign_id,
        cast(null as {{ dbt.type_string() }}) as rep_id,
        cast(null as {{ dbt.type_string() }}) as deal_id,
        'web' as source_system,
        sessions.session_id as source_record_id,
        sessions._loaded_at
    from sessions
    left join campaigns_by_utm
        on sessions.utm_campaign = campaigns_by_utm.utm_campaign
    left join campaigns
        on campaigns_by_utm.campaign_id = campaigns.campaign_id
    where sessions.marketing_contact_id is not null

),

-- Only what the recipient did: a click or a reply. Sends, deliveries, opens (pixel loads),
-- bounces and unsubscribes stay in email_events.
email_touches as (

    select
        {{ dbt.concat(["'email_event:'", 'email_events.email_event_id']) }} as touch_id,
        case email_events.event_type
            when 'clicked' then 'email_click'
            else 'email_reply'
        end as touch_type,
        'buyer' as initiated_by,
        coalesce(campaigns.channel, 'email') as channel,
        email_events.occurred_at,
        case
            when email_events.marketing_contact_id is not null
                then {{ dbt.concat(["'marketing_contact:'", 'email_events.marketing_contact_id']) }}
            when email_events.recipient_email_normalized is not null
                then {{ dbt.concat(["'email:'", 'email_events.recipient_email_normalized']) }}
        end as person_key,
        email_events.campaign_id,
        cast(null as {{ dbt.type_string() }}) as rep_id,
        cast(null as {{ dbt.type_string() }}) as deal_id,
        'marketing' as source_system,
        email_events.email_event_id as source_record_id,
        email_events._loaded_at
    from email_events
    left join campaigns
        on email_events.campaign_id = campaigns.campaign_id
    where email_events.event_type in ('clicked', 'replied')

),

registration_touches as (

    select
        {{ dbt.concat(["'event_registration:'", 'registrations.event_registration_id']) }}
            as touch_id,
        'event_registration' as touch_type,
        'buyer' as initiated_by,
        coalesce(campaigns.channel, 'event') as channel,
        registrations.registered_at as occurred_at,
        {{ dbt.concat(["'event_registrant:'", 'registrations.event_registration_id']) }}
            as person_key,
        registrations.campaign_id,
        cast(null as {{ dbt.type_string() }}) as rep_id,
        cast(null as {{ dbt.type_string() }}) as deal_id,
        'events' as source_system,
        registrations.event_registration_id as source_record_id,
        registrations._loaded_at
    from registrations
    left join campaigns
        on registrations.campaign_id = campaigns.campaign_id

),

attendance_touches as (

    select
        {{ dbt.concat(["'event_attendance:'", 'registrations.event_registration_id']) }}
            as touch_id,
        'event_attendance' as touch_type,
        'buyer' as initiated_by,
        coalesce(campaigns.channel, 'event') as channel,
        registrations.checked_in_at as occurred_at,
        {{ dbt.concat(["'event_registrant:'", 'registrations.event_registration_id']) }}
            as person_key,
        registrations.campaign_id,
        cast(null as {{ dbt.type_string() }}) as rep_id,
        cast(null as {{ dbt.type_string() }}) as deal_id,
        'events' as source_system,
        registrations.event_registration_id as source_record_id,
        registrations._loaded_at
    from registrations
    left join campaigns
        on registrations.campaign_id = campaigns.campaign_id
    where registrations.has_attended and registrations.checked_in_at is not null

),

-- A scan is booth staff pointing a scanner at a badge: our action, not a raised hand.
booth_touches as (

    select
        {{ dbt.concat(["'booth_scan:'", 'booth_scans.booth_scan_id']) }} as touch_id,
        'booth_scan' as touch_type,
        'us' as initiated_by,
        coalesce(campaigns.channel, 'trade_show') as channel,
        booth_scans.scanned_at as occurred_at,
        {{ dbt.concat(["'booth_scan:'", 'booth_scans.booth_scan_id']) }} as person_key,
        booth_scans.campaign_id,
        cast(null as {{ dbt.type_string() }}) as rep_id,
        cast(null as {{ dbt.type_string() }}) as deal_id,
        'events' as source_system,
        booth_scans.booth_scan_id as source_record_id,
        booth_scans._loaded_at
    from booth_scans
    left join campaigns
        on booth_scans.campaign_id = campaigns.campaign_id

),

sales_touches as (

    select
        {{ dbt.concat(["'sales_activity:'", 'activity_id']) }} as touch_id,
        {{ dbt.concat(["'sales_'", 'activity_type']) }} as touch_type,
        {{ touch_initiated_by('activity_direction') }} as initiated_by,
        'sales' as channel,
        occurred_at,
        case
            when crm_contact_id is not null
                then {{ dbt.concat(["'crm_contact:'", 'crm_contact_id']) }}
            when contact_email_normalized is not null
                then {{ dbt.concat(["'email:'", 'contact_email_normalized']) }}
        end as person_key,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        rep_id,
        deal_id,
        'crm' as source_system,
        activity_id as source_record_id,
        _loaded_at
    from activities

),

unioned as (

    select * from web_touches
    union all
    select * from email_touches
    union all
    select * from registration_touches
    union all
    select * from attendance_touches
    union all
    select * from booth_touches
    union all
    select * from sales_touches

),

touches_to_process as (

    select * from unioned
    {% if is_incremental() %}
        where
            {{ loaded_since_last_run() }}
            or touch_id in ({{ stale_resolution_keys('touch_id') }})
    {% endif %}

),

final as (

    select
        touches_to_process.touch_id,
        touches_to_process.touch_type,
        touches_to_process.initiated_by,
        touches_to_process.channel,
        touches_to_process.occurred_at,
        touches_to_process.person_key,
        person_keys.person_id,
        person_accounts.account_id,
        touches_to_process.campaign_id,
        touches_to_process.rep_id,
        touches_to_process.deal_id,
        touches_to_process.source_system,
        touches_to_process.source_record_id,
        touches_to_process._loaded_at,
        touches_to_process.source_system = 'crm' as is_sales_touch
    from touches_to_process
    left join person_keys
        on touches_to_process.person_key = person_keys.person_key
    left join person_accounts
        on person_keys.person_id = person_accounts.person_id

)

select * from final
