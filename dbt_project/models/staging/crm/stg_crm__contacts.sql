with

source as (

    select * from {{ source('crm', 'crm_contacts') }}

),

latest as (

    {{ latest_version('source', 'crm_contact_id', 'updated_at') }}

),

renamed as (

    select

        ---------- ids
        crm_contact_id,
        account_id as crm_account_id,
        owner_rep_id,
        marketing_contact_id,

        ---------- strings
        email,
        {{ normalize_email('email') }} as email_normalized,
        {{ email_domain('email') }} as email_domain,
        first_name,
        last_name,
        phone,
        title as job_title,

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
