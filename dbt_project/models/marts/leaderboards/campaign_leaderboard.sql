-- One row per campaign (events included), period (month and quarter) and attribution model:
-- revenue credited in the period (deals won in it), pipeline credited (deals created in it), the
-- ledger cost booked in it, ROI and ranks among the period's campaigns (DECISIONLOG.md,
-- "Leaderboards").

with

attributed as (

    select * from {{ ref('attributed_revenue') }}

),

costs as (

    select * from {{ ref('costs') }}

),

campaigns as (

    select * from {{ ref('campaigns') }}

),

attribution_models as (

    {% for model_name in attribution_models() %}
        select '{{ model_name }}' as attribution_model
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

grains as (

    select 'month' as period_grain
    union all
    select 'quarter' as period_grain

),

attributed_by_grain as (

    select
        grains.period_grain,
        case grains.period_grain
            when 'month' then attributed.attribution_month
            else cast({{ dbt.date_trunc('quarter', 'attributed.attribution_month') }} as date)
        end as period_start,
        attributed.campaign_id,
        attributed.attribution_model,
        -- Summed as exact decimals: the same digits whatever order the rows arrive in.
        cast(attributed.attributed_pipeline as {{ attribution_type_credit() }})
            as attributed_pipeline,
        cast(attributed.attributed_revenue as {{ attribution_type_credit() }})
            as attributed_revenue
    from attributed
    cross join grains
    where attributed.campaign_id is not null

),

credited as (

    select
        period_grain,
        period_start,
        campaign_id,
        attribution_model,
        sum(attributed_pipeline) as attributed_pipeline,
        sum(attributed_revenue) as attributed_revenue
    from attributed_by_grain
    group by period_grain, period_start, campaign_id, attribution_model

),

costs_by_grain as (

    select
        grains.period_grain,
        case grains.period_grain
            when 'month' then costs.cost_month
            else cast({{ dbt.date_trunc('quarter', 'costs.cost_month') }} as date)
        end as period_start,
        costs.campaign_id,
        costs.amount
    from costs
    cross join grains
    where costs.campaign_id is not null

),

campaign_costs as (

    select
        period_grain,
        period_start,
        campaign_id,
        sum(amount) as campaign_cost
    from costs_by_grain
    group by period_grain, period_start, campaign_id

),

campaign_periods as (

    select
        period_grain,
        period_start,
        campaign_id
    from credited
    union
    select
        period_grain,
        period_start,
        campaign_id
    from campaign_costs

),

scored as (

    select
        campaign_periods.period_grain,
        cast(campaign_periods.period_start as date) as period_start,
        campaign_periods.campaign_id,
        attribution_models.attribution_model,
        coalesce(credited.attributed_pipeline, 0) as attributed_pipeline,
        coalesce(credited.attributed_revenue, 0) as attributed_revenue,
        coalesce(campaign_costs.campaign_cost, 0) as campaign_cost
    from campaign_periods
    cross join attribution_models
    left join credited
        on
            campaign_periods.period_grain = credited.period_grain
            and campaign_periods.period_start = credited.period_start
            and campaign_periods.campaign_id = credited.campaign_id
            and attribution_models.attribution_model = credited.attribution_model
    left join campaign_costs
        on
            campaign_periods.period_grain = campaign_costs.period_grain
            and campaign_periods.period_start = campaign_costs.period_start
            and campaign_periods.campaign_id = campaign_costs.campaign_id

),

final as (

    select
        {{ surrogate_key([
            'scored.campaign_id', 'scored.period_grain', 'scored.period_start',
            'scored.attribution_model'
        ]) }} as campaign_leaderboard_id,
        scored.campaign_id,
        campaigns.campaign_name,
        campaigns.channel,
        campaigns.is_event,
        scored.period_grain,
        scored.period_start,
        scored.attribution_model,
        scored.attribution_model = '{{ attribution_default_model() }}'
            as is_default_attribution_model,
        cast(scored.attributed_pipeline as {{ attribution_type_double() }}) as attributed_pipeline,
        cast(scored.attributed_revenue as {{ attribution_type_double() }}) as attributed_revenue,
        cast(scored.campaign_cost as decimal(18, 2)) as campaign_cost,
        cast(
            scored.attributed_revenue / nullif(scored.campaign_cost, 0)
            as {{ attribution_type_double() }}
        ) as roi,
        cast(rank() over (
            partition by scored.period_grain, scored.period_start, scored.attribution_model
            order by scored.attributed_revenue desc
        ) as {{ dbt.type_bigint() }}) as attributed_revenue_rank,
        cast(rank() over (
            partition by scored.period_grain, scored.period_start, scored.attribution_model
            order by scored.attributed_revenue / nullif(scored.campaign_cost, 0) desc nulls last
        ) as {{ dbt.type_bigint() }}) as roi_rank
    from scored
    left join campaigns
        on scored.campaign_id = campaigns.campaign_id

)

select * from final
