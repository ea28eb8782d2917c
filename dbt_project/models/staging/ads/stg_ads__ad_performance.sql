with

source as (

    select * from {{ source('ads', 'ad_performance') }}

),

latest as (

    {{ latest_version('source', ['report_date', 'campaign_id', 'platform'], 'reported_at') }}

),

renamed as (

    select

        ---------- ids
        {{ surrogate_key(['report_date', 'campaign_id', 'platform']) }} as ad_performance_id,
        campaign_id,

        ---------- strings
        platform,

        ---------- numerics
        impressions,
        clicks,
        spend,
        platform_conversions,

        ---------- dates
        report_date,

        ---------- timestamps
        reported_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from latest

)

select * from renamed
