with

source as (

    select * from {{ source('billing', 'billing_customers') }}

),

latest as (

    {{ latest_version('source', 'customer_id', 'updated_at') }}

),

renamed as (

    select

        ---------- ids
        customer_id as billing_customer_id,
        crm_account_id,

        ---------- strings
        customer_name,
        {{ normalize_company_name('customer_name') }} as company_name_normalized,
        billing_email,
        {{ normalize_email('billing_email') }} as billing_email_normalized,
        {{ email_domain('billing_email') }} as billing_email_domain,
        country as country_code,

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
