with

source as (

    select * from {{ source('marketing', 'campaigns') }}

),

latest as (

    {{ latest_version('source', 'campaign_id', 'updated_at') }}

),

renamed as (

    select

        ---------- ids
        campaign_id,

        ---------- strings
        campaign_name,
        channel,
        platform,
        utm_campaign,
        owner_email,
        {{ normalize_email('owner_email') }} as owner_email_normalized,
        {{ email_domain('owner_email') }} as owner_email_domain,

        ---------- numerics
        budget,

        ---------- dates
        start_date,
        end_date,

        ---------- timestamps
        updated_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from latest

)

select * from renamed
