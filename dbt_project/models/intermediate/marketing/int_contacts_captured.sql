-- One row per resolved person who entered as a lead, with the first capture.
-- Capture records: marketing contacts, event and webinar registrations, booth scans (marketing
-- captures), and CRM contacts (a rep created the person). The earliest record is the capture;
-- marketing records win a tie. Its channel and campaign are the person's source: for a
-- marketing contact the platform's lead_source, for a registration or booth scan the campaign's
-- channel, for a CRM-only person 'sales_prospecting'.

with

marketing_contacts as (

    select * from {{ ref('stg_marketing__contacts') }}

),

registrations as (

    select * from {{ ref('stg_events__registrations') }}

),

booth_scans as (

    select * from {{ ref('stg_events__booth_scans') }}

),

crm_contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

campaigns as (

    select * from {{ ref('stg_marketing__campaigns') }}

),

person_keys as (

    select * from {{ ref('int_person_keys_resolved') }}

),

capture_records as (

    select
        {{ dbt.concat(["'marketing_contact:'", 'marketing_contact_id']) }} as person_key,
        'marketing_contact' as capture_record_type,
        marketing_contact_id as capture_record_id,
        created_at as captured_at,
        lead_source as capture_channel,
        campaign_id as capture_campaign_id,
        first_name,
        last_name,
        job_title,
        1 as capture_priority
    from marketing_contacts

    union all

    select
        {{ dbt.concat(["'event_registrant:'", 'registrations.event_registration_id']) }}
            as person_key,
        'event_registration' as capture_record_type,
        registrations.event_registration_id as capture_record_id,
        registrations.registered_at as captured_at,
        campaigns.channel as capture_channel,
        registrations.campaign_id as capture_campaign_id,
        registrations.first_name,
        registrations.last_name,
        registrations.job_title,
        2 as capture_priority
    from registrations
    left join campaigns
        on registrations.campaign_id = campaigns.campaign_id

    union all

    select
        {{ dbt.concat(["'booth_scan:'", 'booth_scans.booth_scan_id']) }} as person_key,
        'booth_scan' as capture_record_type,
        booth_scans.booth_scan_id as capture_record_id,
        booth_scans.scanned_at as captured_at,
        coalesce(campaigns.channel, 'trade_show') as capture_channel,
        booth_scans.campaign_id as capture_campaign_id,
        booth_scans.first_name,
        booth_scans.last_name,
        booth_scans.job_title,
        3 as capture_priority
    from booth_scans
    left join campaigns
        on booth_scans.campaign_id = campaigns.campaign_id

    union all

    select
        {{ dbt.concat(["'crm_contact:'", 'crm_contact_id']) }} as person_key,
        'crm_contact' as capture_record_type,
        crm_contact_id as capture_record_id,
        created_at as captured_at,
        'sales_prospecting' as capture_channel,
        cast(null as {{ dbt.type_string() }}) as capture_campaign_id,
        first_name,
        last_name,
        job_title,
        4 as capture_priority
    from crm_contacts

),

resolved as (

    select
        capture_records.*,
        person_keys.person_id
    from capture_records
    inner join person_keys
        on capture_records.person_key = person_keys.person_key

),

first_capture as (

    select
        *,
        row_number() over (
            partition by person_id
            order by captured_at, capture_priority, capture_record_id
        ) as capture_rank
    from resolved

),

marketing_summary as (

    select
        person_keys.person_id,
        min(marketing_contacts.marketing_contact_id) as marketing_contact_id,
        min(marketing_contacts.mql_at) as mql_at
    from marketing_contacts
    inner join person_keys
        on {{ dbt.concat(["'marketing_contact:'", 'marketing_contacts.marketing_contact_id']) }}
            = person_keys.person_key
    group by person_keys.person_id

),

crm_summary as (

    select
        person_keys.person_id,
        min(crm_contacts.crm_contact_id) as crm_contact_id,
        min(crm_contacts.created_at) as crm_created_at
    from crm_contacts
    inner join person_keys
        on {{ dbt.concat(["'crm_contact:'", 'crm_contacts.crm_contact_id']) }}
            = person_keys.person_key
    group by person_keys.person_id

),

final as (

    select
        first_capture.person_id,
        first_capture.captured_at,
        first_capture.capture_record_type,
        first_capture.capture_record_id,
        first_capture.capture_channel,
        first_capture.capture_campaign_id,
        first_capture.first_name,
        first_capture.last_name,
        first_capture.job_title,
        marketing_summary.marketing_contact_id,
        marketing_summary.mql_at,
        crm_summary.crm_contact_id,
        crm_summary.crm_created_at,
        first_capture.capture_record_type != 'crm_contact' as is_marketing_captured
    from first_capture
    left join marketing_summary
        on first_capture.person_id = marketing_summary.person_id
    left join crm_summary
        on first_capture.person_id = crm_summary.person_id
    where first_capture.capture_rank = 1

)

select * from final
