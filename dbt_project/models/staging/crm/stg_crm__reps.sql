with

source as (

    select * from {{ source('crm', 'reps') }}

),

latest as (

    {{ latest_version('source', 'rep_id', 'updated_at') }}

),

renamed as (

    select

        ---------- ids
        rep_id,
        team_id,
        manager_rep_id,

        ---------- strings
        full_name as rep_name,
        email,
        {{ normalize_email('email') }} as email_normalized,
        {{ email_domain('email') }} as email_domain,
        role as rep_role,

        ---------- booleans
        is_active,

        ---------- dates
        hired_at as hired_date,

        ---------- timestamps
        updated_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from latest

)

select * from renamed
