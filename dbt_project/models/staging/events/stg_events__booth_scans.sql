with

-- Immutable extract: the loader appends each key once, so there are no versions to reduce.
source as (

    select * from {{ source('events', 'booth_scans') }}

),

renamed as (

    select

        ---------- ids
        scan_id as booth_scan_id,
        campaign_id,

        ---------- strings
        badge_email,
        {{ normalize_email('badge_email') }} as badge_email_normalized,
        {{ email_domain('badge_email') }} as badge_email_domain,
        first_name,
        last_name,
        company_name,
        {{ normalize_company_name('company_name') }} as company_name_normalized,
        job_title,
        scanned_by as scanned_by_name,
        interest_level,

        ---------- timestamps
        scanned_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from source

)

select * from renamed
