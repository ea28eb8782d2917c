-- One row per ad platform, campaign and day: impressions for the vanity candidate ad_impressions.
-- The core has no ad performance model yet; this thin one lives with the metrics until it does.

with

ad_performance as (

    select * from {{ ref('stg_ads__ad_performance') }}

),

final as (

    select
        ad_performance_id,
        campaign_id,
        platform,
        report_date,
        impressions,
        clicks,
        spend
    from ad_performance

)

select * from final
