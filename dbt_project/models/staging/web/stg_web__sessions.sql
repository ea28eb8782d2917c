with

-- Immutable extract: the loader appends each key once, so there are no versions to reduce.
source as (

    select * from {{ source('web', 'web_sessions') }}

),

renamed as (

    select

        ---------- ids
        session_id,
        anonymous_id,
        contact_id as marketing_contact_id,

        ---------- strings
        landing_page,
        referrer as referrer_host,
        utm_source,
        utm_medium,
        utm_campaign,

        ---------- numerics
        duration_seconds,
        pageviews as pageview_count,

        ---------- booleans
        form_submitted as has_submitted_form,

        ---------- timestamps
        started_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from source

)

select * from renamed
