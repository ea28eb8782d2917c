with

-- Immutable extract: the loader appends each key once, so there are no versions to reduce.
source as (

    select * from {{ source('marketing', 'email_events') }}

),

renamed as (

    select

        ---------- ids
        event_id as email_event_id,
        send_id as email_send_id,
        campaign_id,
        contact_id as marketing_contact_id,

        ---------- strings
        email as recipient_email,
        {{ normalize_email('email') }} as recipient_email_normalized,
        {{ email_domain('email') }} as recipient_email_domain,
        event_type,

        ---------- timestamps
        occurred_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from source

)

select * from renamed
