with

-- Immutable extract: the loader appends each key once, so there are no versions to reduce.
source as (

    select * from {{ source('crm', 'sales_activities') }}

),

renamed as (

    select

        ---------- ids
        activity_id,
        rep_id,
        crm_contact_id,
        account_id as crm_account_id,
        deal_id,

        ---------- strings
        activity_type,
        direction as activity_direction,
        contact_email,
        {{ normalize_email('contact_email') }} as contact_email_normalized,
        {{ email_domain('contact_email') }} as contact_email_domain,
        outcome as activity_outcome,

        ---------- numerics
        duration_minutes,

        ---------- timestamps
        occurred_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from source

)

select * from renamed
