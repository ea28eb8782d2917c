-- One row per attribution model, touch channel, campaign and month: pipeline credited in the month
-- its deal was created, revenue credited in the month its deal was won (DECISIONLOG.md,
-- "Attribution").

with

credits as (

    select * from {{ ref('attribution_touch_credits') }}

),

pipeline_by_month as (

    select
        attribution_model,
        channel,
        campaign_id,
        deal_created_month as attribution_month,
        attributed_pipeline,
        cast(0 as {{ attribution_type_credit() }}) as attributed_revenue,
        deal_id as pipeline_deal_id,
        cast(null as {{ dbt.type_string() }}) as won_deal_id
    from credits

),

revenue_by_month as (

    select
        attribution_model,
        channel,
        campaign_id,
        deal_closed_month as attribution_month,
        cast(0 as {{ attribution_type_credit() }}) as attributed_pipeline,
        attributed_revenue,
        cast(null as {{ dbt.type_string() }}) as pipeline_deal_id,
        deal_id as won_deal_id
    from credits
    where is_won

),

unioned as (

    select * from pipeline_by_month
    union all
    select * from revenue_by_month

),

aggregated as (

    select
        attribution_model,
        channel,
        campaign_id,
        attribution_month,
        sum(attributed_pipeline) as attributed_pipeline,
        sum(attributed_revenue) as attributed_revenue,
        count(distinct pipeline_deal_id) as deals_created_credited,
        count(distinct won_deal_id) as deals_won_credited
    from unioned
    group by attribution_model, channel, campaign_id, attribution_month

),

final as (

    select
        {{ surrogate_key([
            'attribution_model', 'channel', 'campaign_id', 'attribution_month'
        ]) }} as attributed_revenue_id,
        attribution_model,
        attribution_model = '{{ attribution_default_model() }}' as is_default_attribution_model,
        channel,
        campaign_id,
        cast(attribution_month as date) as attribution_month,
        cast(attributed_pipeline as {{ attribution_type_double() }}) as attributed_pipeline,
        cast(attributed_revenue as {{ attribution_type_double() }}) as attributed_revenue,
        cast(deals_created_credited as {{ dbt.type_bigint() }}) as deals_created_credited,
        cast(deals_won_credited as {{ dbt.type_bigint() }}) as deals_won_credited
    from aggregated

)

select * from final
