with

source as (

    select * from {{ source('marketing', 'contacts') }}

),

latest as (

    {{ latest_version('source', 'contact_id', 'updated_at') }}

),

renamed as (

    select

        ---------- ids
        contact_id as marketing_contact_id,
        campaign_id,

        ---------- strings
        email,
        {{ normalize_email('email') }} as email_normalized,
        {{ email_domain('email') }} as email_domain,
        first_name,
        last_name,
        phone,
        company_name,
        {{ normalize_company_name('company_name') }} as company_name_normalized,
        job_title,
        lead_source,
        utm_source,
        utm_medium,
        utm_campaign,
        lifecycle_stage,

        ---------- timestamps
        mql_at,
        created_at,
        updated_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from latest

)

select * from renamed
