-- One row per resolved person across every system, with the first capture, its source and
-- campaign, the CRM owner and the person's account.

with

person_map as (

    select * from {{ ref('int_identity__person_map') }}

),

captured as (

    select * from {{ ref('int_contacts_captured') }}

),

person_accounts as (

    select * from {{ ref('int_person_accounts_resolved') }}

),

crm_contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

people as (

    select
        person_id,
        min(person_email) as person_email,
        max(case when is_matched then 1 else 0 end) = 1 as is_identified,
        count(*) as record_count,
        count(distinct record_system) as system_count
    from person_map
    group by person_id

),

final as (

    select
        people.person_id,
        people.person_email,
        {{ dbt.split_part('people.person_email', "'@'", 2) }} as email_domain,
        captured.first_name,
        captured.last_name,
        captured.job_title,
        captured.captured_at,
        captured.capture_record_type,
        captured.capture_channel,
        captured.capture_campaign_id,
        coalesce(captured.is_marketing_captured, false) as is_marketing_captured,
        captured.person_id is not null as is_lead,
        captured.mql_at,
        captured.marketing_contact_id,
        captured.crm_contact_id,
        crm_contacts.owner_rep_id,
        person_accounts.account_id,
        person_accounts.account_match_rule,
        people.is_identified,
        people.record_count,
        people.system_count
    from people
    left join captured
        on people.person_id = captured.person_id
    left join crm_contacts
        on captured.crm_contact_id = crm_contacts.crm_contact_id
    left join person_accounts
        on people.person_id = person_accounts.person_id

)

select * from final
