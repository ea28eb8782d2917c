-- A table, not a view: every go-to-market fact joins it twice (resolution and the incremental
-- staleness check), so it is computed once per build.
{{ config(materialized='table') }}

-- One account per resolved person, from the identity account map of the person's records.
-- A person has several records (marketing contact, CRM contact, registrations, tickets); their
-- accounts can differ when one record is matched by a stronger rule. The strongest rule wins:
-- the CRM contact's own account (shared id) first, then the rule order of the account map;
-- ties go to the smallest account id so the choice is deterministic.

with

person_map as (

    select * from {{ ref('int_identity__person_map') }}

),

account_map as (

    select * from {{ ref('int_identity__account_map') }}

),

person_records as (

    select
        person_map.person_id,
        account_map.account_id,
        account_map.account_match_rule,
        case account_map.account_match_rule
            when 'shared_id' then 1
            when 'person_crm_account' then 2
            when 'email_domain' then 3
            when 'company_name' then 4
            when 'new_domain' then 5
            else 9
        end as rule_rank,
        case when person_map.record_type = 'crm_contact' then 0 else 1 end as record_rank
    from person_map
    inner join account_map
        on person_map.identity_record_id = account_map.identity_record_id
    where
        account_map.account_id is not null
        -- A billing customer's email is an invoice mailbox, not a person's employer signal.
        and person_map.record_type != 'billing_customer'

),

ranked as (

    select
        *,
        row_number() over (
            partition by person_id
            order by record_rank, rule_rank, account_id
        ) as account_rank
    from person_records

),

final as (

    select
        person_id,
        account_id,
        account_match_rule
    from ranked
    where account_rank = 1

)

select * from final
