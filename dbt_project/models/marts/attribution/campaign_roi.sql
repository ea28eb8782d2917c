-- One row per campaign (events and trade shows included) and attribution model, over the whole
-- history: attributed pipeline and revenue, the ledger cost, ROI and CAC inputs (DECISIONLOG.md,
-- "Attribution"). Every campaign appears, credited or not: a booth with no revenue shows as 0.

with

campaigns as (

    select * from {{ ref('campaigns') }}

),

credits as (

    select * from {{ ref('attribution_touch_credits') }}

),

attribution_models as (

    {% for model_name in attribution_models() %}
        select '{{ model_name }}' as attribution_model
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

campaign_credits as (

    select
        campaign_id,
        attribution_model,
        sum(attributed_pipeline) as attributed_pipeline,
        sum(attributed_revenue) as attributed_revenue,
        -- Fractional customers: a won deal's weights on the campaign's touches.
        sum(
            case
                when is_won then cast(attribution_weight as {{ attribution_type_credit() }})
                else 0
            end
        ) as attributed_won_deals,
        count(distinct deal_id) as deals_touched,
        count(distinct case when is_won then deal_id end) as won_deals_touched
    from credits
    where campaign_id is not null
    group by campaign_id, attribution_model

),

final as (

    select
        {{ surrogate_key(['campaigns.campaign_id', 'attribution_models.attribution_model']) }}
            as campaign_roi_id,
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.channel,
        campaigns.is_event,
        campaigns.channel in ('event', 'trade_show') as is_event_or_trade_show,
        attribution_models.attribution_model,
        attribution_models.attribution_model = '{{ attribution_default_model() }}'
            as is_default_attribution_model,
        cast(coalesce(campaign_credits.attributed_pipeline, 0) as {{ attribution_type_double() }})
            as attributed_pipeline,
        cast(coalesce(campaign_credits.attributed_revenue, 0) as {{ attribution_type_double() }})
            as attributed_revenue,
        cast(
            coalesce(campaign_credits.attributed_won_deals, 0) as {{ attribution_type_double() }}
        ) as attributed_won_deals,
        cast(coalesce(campaign_credits.deals_touched, 0) as {{ dbt.type_bigint() }})
            as deals_touched,
        cast(coalesce(campaign_credits.won_deals_touched, 0) as {{ dbt.type_bigint() }})
            as won_deals_touched,
        cast(campaigns.total_cost as {{ attribution_type_double() }}) as total_cost,
        cast(
            coalesce(campaign_credits.attributed_revenue, 0) / nullif(campaigns.total_cost, 0)
            as {{ attribution_type_double() }}
        ) as roi,
        cast(
            (coalesce(campaign_credits.attributed_revenue, 0) - campaigns.total_cost)
            / nullif(campaigns.total_cost, 0)
            as {{ attribution_type_double() }}
        ) as net_roi,
        cast(
            campaigns.total_cost / nullif(campaign_credits.attributed_won_deals, 0)
            as {{ attribution_type_double() }}
        ) as cost_per_attributed_won_deal
    from campaigns
    cross join attribution_models
    left join campaign_credits
        on
            campaigns.campaign_id = campaign_credits.campaign_id
            and attribution_models.attribution_model = campaign_credits.attribution_model

)

select * from final
