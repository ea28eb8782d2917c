-- Every touch attribution can credit: the identified touches of the core, plus the lead-capture
-- touch of a marketing contact that arrived through a campaign's link (DECISIONLOG.md,
-- "Attribution": the campaign of a paid or content form fill lives only on the contact record).

with

touches as (

    select * from {{ ref('touches') }}

),

marketing_contacts as (

    select * from {{ ref('stg_marketing__contacts') }}

),

campaigns as (

    select * from {{ ref('campaigns') }}

),

person_keys as (

    select * from {{ ref('int_person_keys_resolved') }}

),

person_accounts as (

    select * from {{ ref('int_person_accounts_resolved') }}

),

core_touches as (

    select
        touch_id,
        touch_type,
        initiated_by,
        channel,
        occurred_at,
        person_id,
        account_id,
        campaign_id,
        rep_id,
        deal_id
    from touches
    where person_id is not null

),

-- A contact created with a campaign's UTM filled a form on that campaign's landing page.
-- Registrations and booth scans are already touches of their own; their contacts carry no UTM.
capture_touches as (

    select
        {{ dbt.concat(["'lead_capture:'", 'marketing_contacts.marketing_contact_id']) }}
            as touch_id,
        'lead_capture' as touch_type,
        'buyer' as initiated_by,
        campaigns.channel,
        marketing_contacts.created_at as occurred_at,
        person_keys.person_id,
        person_accounts.account_id,
        marketing_contacts.campaign_id,
        cast(null as {{ dbt.type_string() }}) as rep_id,
        cast(null as {{ dbt.type_string() }}) as deal_id
    from marketing_contacts
    inner join campaigns
        on marketing_contacts.campaign_id = campaigns.campaign_id
    inner join person_keys
        on
            {{ dbt.concat(["'marketing_contact:'", 'marketing_contacts.marketing_contact_id']) }}
            = person_keys.person_key
    left join person_accounts
        on person_keys.person_id = person_accounts.person_id
    where
        marketing_contacts.utm_campaign is not null
        and marketing_contacts.created_at is not null

),

final as (

    select * from core_touches
    union all
    select * from capture_touches

)

select * from final
