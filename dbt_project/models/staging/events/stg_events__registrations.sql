with

source as (

    select * from {{ source('events', 'event_registrations') }}

),

latest as (

    {{ latest_version('source', 'registration_id', 'updated_at') }}

),

renamed as (

    select

        ---------- ids
        registration_id as event_registration_id,
        campaign_id,

        ---------- strings
        email,
        {{ normalize_email('email') }} as email_normalized,
        {{ email_domain('email') }} as email_domain,
        first_name,
        last_name,
        company_name,
        {{ normalize_company_name('company_name') }} as company_name_normalized,
        job_title,

        ---------- booleans
        attended as has_attended,

        ---------- timestamps
        registered_at,
        checked_in_at,
        updated_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from latest

)

select * from renamed
