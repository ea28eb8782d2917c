-- Per deal: was it sourced by marketing? Yes when the deal's primary person was FIRST captured by
-- a marketing campaign (a capture record carrying a campaign: form fill from a campaign, webinar
-- or event registration, booth scan) strictly before the deal was created. Organic and direct
-- sign-ups without a campaign, CRM-created people, and people captured only after the deal are not
-- marketing-sourced. Rule and reasons: DECISIONLOG.md ("Marketing-sourced").

with

deals as (

    select * from {{ ref('stg_crm__deals') }}

),

person_keys as (

    select * from {{ ref('int_person_keys_resolved') }}

),

captured as (

    select * from {{ ref('int_contacts_captured') }}

),

deal_people as (

    select
        deals.deal_id,
        deals.created_at as deal_created_at,
        person_keys.person_id
    from deals
    left join person_keys
        on
            deals.primary_crm_contact_id is not null
            and {{ dbt.concat(["'deal_contact:'", 'deals.deal_id']) }} = person_keys.person_key

),

final as (

    select
        deal_people.deal_id,
        deal_people.person_id,
        captured.captured_at as person_captured_at,
        captured.capture_channel as person_capture_channel,
        captured.capture_campaign_id as person_capture_campaign_id,
        coalesce(
            captured.is_marketing_captured
            and captured.capture_campaign_id is not null
            and captured.captured_at < deal_people.deal_created_at,
            false
        ) as is_marketing_sourced
    from deal_people
    left join captured
        on deal_people.person_id = captured.person_id

)

select * from final
