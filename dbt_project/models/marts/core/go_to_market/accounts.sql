-- One row per resolved account: CRM accounts (duplicates folded), billing customers, helpdesk
-- requesters' companies and company email domains, as the identity account map resolves them.

with

account_map as (

    select * from {{ ref('int_identity__account_map') }}

),

records as (

    select * from {{ ref('int_identity__records') }}

),

crm_accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

mapped_records as (

    select
        account_map.account_id,
        account_map.crm_account_id,
        account_map.record_type,
        account_map.record_key,
        account_map.account_match_rule,
        records.email_domain,
        records.record_created_at
    from account_map
    left join records
        on account_map.identity_record_id = records.identity_record_id
    where account_map.account_id is not null

),

account_summary as (

    select
        account_id,
        min(crm_account_id) as crm_account_id,
        min(case when record_type = 'billing_customer' then record_key end) as billing_customer_id,
        min(case when account_match_rule = 'new_domain' then email_domain end) as new_domain,
        min(record_created_at) as first_seen_at,
        sum(case when record_type = 'crm_account' then 1 else 0 end) as crm_account_count,
        sum(case when record_type = 'billing_customer' then 1 else 0 end) as billing_customer_count,
        sum(case when record_type = 'ticket_requester' then 1 else 0 end) as ticket_count,
        sum(
            case when record_type in ('marketing_contact', 'crm_contact') then 1 else 0 end
        ) as contact_record_count
    from mapped_records
    group by account_id

),

final as (

    select
        account_summary.account_id,
        account_summary.crm_account_id,
        account_summary.billing_customer_id,
        crm_accounts.industry,
        crm_accounts.employee_count,
        crm_accounts.owner_rep_id,
        account_summary.crm_account_count,
        account_summary.billing_customer_count,
        account_summary.ticket_count,
        account_summary.contact_record_count,
        coalesce(crm_accounts.account_name, account_summary.new_domain) as account_name,
        coalesce(crm_accounts.website_domain_normalized, account_summary.new_domain)
            as account_domain,
        account_summary.crm_account_id is not null as is_crm_account,
        case
            when account_summary.crm_account_id is not null then 'crm_account'
            else 'email_domain'
        end as account_origin,
        least(
            coalesce(crm_accounts.created_at, account_summary.first_seen_at),
            coalesce(account_summary.first_seen_at, crm_accounts.created_at)
        ) as first_seen_at
    from account_summary
    left join crm_accounts
        on account_summary.crm_account_id = crm_accounts.crm_account_id

)

select * from final
