-- Every CRM account and every record that names a person or a company -> one account, by the
-- first rule that applies (DECISIONLOG.md):
--   1. crm_account         the record is a CRM account (duplicates folded onto the canonical one)
--   2. shared_id           the record's system carries the CRM account id (CRM contacts, deals,
--                          billing customers), or the CRM account carries the billing customer id
--   3. person_crm_account  the same person is a CRM contact with an account
--   4. email_domain        the email's domain is a CRM account's web domain (free mail excluded)
--   5. company_name        the normalised company name is exactly one CRM account's
--   6. new_domain          a company domain with no CRM account yet: an account of its own
--   7. unmatched           free-mail address and no known company: no account, counted

with

records as (

    select * from {{ ref('int_identity__records') }}

),

person_map as (

    select * from {{ ref('int_identity__person_map') }}

),

crm_accounts as (

    select * from {{ ref('int_identity__crm_accounts') }}

),

free_email_domains as (

    select * from {{ ref('free_email_domains') }}

),

accounts_by_domain as (

    select
        website_domain as email_domain,
        min(account_id) as account_id
    from crm_accounts
    where website_domain is not null
    group by website_domain

),

accounts_by_name as (

    select
        company_name_normalized,
        min(account_id) as account_id
    from crm_accounts
    where company_name_normalized is not null
    group by company_name_normalized
    having count(distinct account_id) = 1

),

accounts_by_billing_customer as (

    select
        billing_customer_id,
        min(account_id) as account_id
    from crm_accounts
    where billing_customer_id is not null
    group by billing_customer_id

),

-- The account of each person who is a CRM contact with an account.
person_accounts as (

    select
        person_map.person_id,
        min(crm_accounts.account_id) as account_id
    from person_map
    inner join records
        on person_map.identity_record_id = records.identity_record_id
    inner join crm_accounts
        on records.linked_crm_account_id = crm_accounts.crm_account_id
    where
        records.record_type = 'crm_contact'
        and person_map.person_match_rule != 'unmatched'
    group by person_map.person_id

),

record_candidates as (

    select
        records.identity_record_id,
        records.record_system,
        records.record_type,
        records.record_key,
        coalesce(linked.account_id, by_billing.account_id) as shared_id_account_id,
        person_accounts.account_id as person_account_id,
        accounts_by_domain.account_id as domain_account_id,
        accounts_by_name.account_id as name_account_id,
        case
            when records.email_domain is not null and free_email_domains.domain is null
                then {{ dbt.hash(dbt.concat(["'domain:'", 'records.email_domain'])) }}
        end as new_domain_account_id
    from records
    left join person_map
        on records.identity_record_id = person_map.identity_record_id
    left join crm_accounts as linked
        on records.linked_crm_account_id = linked.crm_account_id
    left join accounts_by_billing_customer as by_billing
        on
            records.record_type = 'billing_customer'
            and records.record_key = by_billing.billing_customer_id
    left join person_accounts
        on
            person_map.person_id = person_accounts.person_id
            and person_map.person_match_rule != 'unmatched'
    left join free_email_domains
        on records.email_domain = free_email_domains.domain
    left join accounts_by_domain
        on
            records.email_domain = accounts_by_domain.email_domain
            and free_email_domains.domain is null
    left join accounts_by_name
        on records.company_name_normalized = accounts_by_name.company_name_normalized

),

record_accounts as (

    select
        identity_record_id,
        record_system,
        record_type,
        record_key,
        coalesce(
            shared_id_account_id,
            person_account_id,
            domain_account_id,
            name_account_id,
            new_domain_account_id
        ) as account_id,
        case
            when shared_id_account_id is not null then 'shared_id'
            when person_account_id is not null then 'person_crm_account'
            when domain_account_id is not null then 'email_domain'
            when name_account_id is not null then 'company_name'
            when new_domain_account_id is not null then 'new_domain'
            else 'unmatched'
        end as account_match_rule
    from record_candidates

),

crm_account_records as (

    select
        {{ surrogate_key(["'crm_account'", 'crm_account_id']) }} as identity_record_id,
        'crm' as record_system,
        'crm_account' as record_type,
        crm_account_id as record_key,
        account_id,
        'crm_account' as account_match_rule
    from crm_accounts

),

crm_account_ids as (

    select distinct
        account_id,
        canonical_crm_account_id
    from crm_accounts

),

unioned as (

    select * from crm_account_records
    union all
    select * from record_accounts

),

final as (

    select
        unioned.identity_record_id,
        unioned.record_system,
        unioned.record_type,
        unioned.record_key,
        unioned.account_id,
        crm_account_ids.canonical_crm_account_id as crm_account_id,
        unioned.account_match_rule,
        unioned.account_match_rule != 'unmatched' as is_matched,
        crm_account_ids.account_id is not null as is_crm_account
    from unioned
    left join crm_account_ids
        on unioned.account_id = crm_account_ids.account_id

)

select * from final
