with

source as (

    select * from {{ source('crm', 'crm_accounts') }}

),

latest as (

    {{ latest_version('source', 'account_id', 'updated_at') }}

),

renamed as (

    select

        ---------- ids
        account_id as crm_account_id,
        owner_rep_id,
        billing_customer_id,

        ---------- strings
        account_name,
        {{ normalize_company_name('account_name') }} as company_name_normalized,
        website_domain,
        {{ normalize_web_domain('website_domain') }} as website_domain_normalized,
        industry,

        ---------- numerics
        employee_count,

        ---------- timestamps
        created_at,
        updated_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from latest

)

select * from renamed
