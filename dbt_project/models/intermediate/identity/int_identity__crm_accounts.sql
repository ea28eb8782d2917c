-- CRM accounts with duplicates of one company folded onto one canonical account.
-- Reps create the same company twice; two CRM accounts are one company when they share a web
-- domain (or, when neither has one, a normalised name). The first created is canonical.

with

crm_accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

free_email_domains as (

    select * from {{ ref('free_email_domains') }}

),

keyed as (

    select
        crm_accounts.crm_account_id,
        crm_accounts.billing_customer_id,
        crm_accounts.account_name,
        crm_accounts.company_name_normalized,
        crm_accounts.created_at,
        -- A free-mail "web domain" says nothing about the company.
        case
            when free_email_domains.domain is null then crm_accounts.website_domain_normalized
        end as website_domain
    from crm_accounts
    left join free_email_domains
        on crm_accounts.website_domain_normalized = free_email_domains.domain

),

company_keyed as (

    select
        *,
        coalesce(
            {{ dbt.concat(["'domain:'", 'website_domain']) }},
            {{ dbt.concat(["'name:'", 'company_name_normalized']) }},
            {{ dbt.concat(["'crm:'", 'crm_account_id']) }}
        ) as company_key
    from keyed

),

canonical as (

    select
        *,
        first_value(crm_account_id) over (
            partition by company_key
            order by created_at, crm_account_id
            rows between unbounded preceding and unbounded following
        ) as canonical_crm_account_id
    from company_keyed

),

final as (

    select
        crm_account_id,
        {{ dbt.hash(dbt.concat(["'crm:'", 'canonical_crm_account_id'])) }} as account_id,
        canonical_crm_account_id,
        billing_customer_id,
        account_name,
        company_name_normalized,
        website_domain,
        company_key,
        crm_account_id = canonical_crm_account_id as is_canonical
    from canonical

)

select * from final
