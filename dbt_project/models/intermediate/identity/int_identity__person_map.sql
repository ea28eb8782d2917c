-- Every record that names a person -> one person, by the first rule that applies (DECISIONLOG.md):
--   1. email                        the record's own normalised email
--   2. shared_marketing_contact_id  a CRM contact without email, through the marketing contact
--                                   the CRM sync linked it to
--   3. shared_crm_contact_id        a deal contact, through the deal's CRM contact (whose email
--                                   may itself come from rule 2)
--   4. unmatched                    nothing to go on: kept as a person of its own, and counted

with

records as (

    select * from {{ ref('int_identity__records') }}

),

marketing_contact_emails as (

    select
        record_key as marketing_contact_id,
        email_normalized
    from records
    where record_type = 'marketing_contact'

),

crm_contact_emails as (

    select
        crm_contacts.record_key as crm_contact_id,
        coalesce(
            crm_contacts.email_normalized, marketing_contact_emails.email_normalized
        ) as email_normalized
    from records as crm_contacts
    left join marketing_contact_emails
        on crm_contacts.linked_marketing_contact_id = marketing_contact_emails.marketing_contact_id
    where crm_contacts.record_type = 'crm_contact'

),

resolved as (

    select
        records.identity_record_id,
        records.record_system,
        records.record_type,
        records.record_key,
        case
            when records.email_normalized is not null then 'email'
            when marketing_contact_emails.email_normalized is not null
                then 'shared_marketing_contact_id'
            when crm_contact_emails.email_normalized is not null then 'shared_crm_contact_id'
            else 'unmatched'
        end as person_match_rule,
        coalesce(
            records.email_normalized,
            marketing_contact_emails.email_normalized,
            crm_contact_emails.email_normalized
        ) as person_email
    from records
    left join marketing_contact_emails
        on records.linked_marketing_contact_id = marketing_contact_emails.marketing_contact_id
    left join crm_contact_emails
        on records.linked_crm_contact_id = crm_contact_emails.crm_contact_id

),

final as (

    select
        identity_record_id,
        record_system,
        record_type,
        record_key,
        case
            when person_email is not null
                then {{ dbt.hash(dbt.concat(["'email:'", 'person_email'])) }}
            else {{ dbt.hash(dbt.concat(["'record:'", 'identity_record_id'])) }}
        end as person_id,
        person_email,
        person_match_rule,
        person_match_rule != 'unmatched' as is_matched
    from resolved

)

select * from final
