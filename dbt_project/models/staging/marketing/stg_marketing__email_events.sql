with

source as (

    select * from {{ source('marketing', 'email_events') }}

),

latest as (

    {{ latest_version('source', 'event_id') }}

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

    from latest

)

select * from renamed
