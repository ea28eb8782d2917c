-- Per attribution model, the credited pipeline and revenue equal the amount and won amount of the
-- deals that had at least one eligible touch, and every such deal is credited by every model.
-- Several models feed this test: Dagster shows it as a check of the one it asserts on.
{{ config(meta={'dagster': {'ref': {'name': 'attribution_touch_credits'}}}) }}

with

credits as (

    select * from {{ ref('attribution_touch_credits') }}

),

deal_touches as (

    select * from {{ ref('int_attribution__deal_touches') }}

),

pipeline as (

    select * from {{ ref('pipeline') }}

),

attribution_models as (

    {% for model_name in attribution_models() %}
        select '{{ model_name }}' as attribution_model
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

touched_deals as (

    select
        pipeline.deal_id,
        pipeline.amount,
        pipeline.bookings_amount
    from pipeline
    where pipeline.deal_id in (select deal_touches.deal_id from deal_touches)

),

expected as (

    select
        attribution_models.attribution_model,
        count(*) as deal_count,
        sum(touched_deals.amount) as pipeline_amount,
        sum(touched_deals.bookings_amount) as revenue_amount
    from attribution_models
    cross join touched_deals
    group by attribution_models.attribution_model

),

credited as (

    select
        attribution_model,
        count(distinct deal_id) as deal_count,
        sum(attributed_pipeline) as pipeline_amount,
        sum(attributed_revenue) as revenue_amount
    from credits
    group by attribution_model

),

final as (

    select
        expected.attribution_model,
        expected.deal_count as expected_deals,
        credited.deal_count as credited_deals,
        expected.pipeline_amount as expected_pipeline,
        credited.pipeline_amount as credited_pipeline,
        expected.revenue_amount as expected_revenue,
        credited.revenue_amount as credited_revenue
    from expected
    left join credited
        on expected.attribution_model = credited.attribution_model
    where
        credited.attribution_model is null
        or expected.deal_count != credited.deal_count
        or abs(coalesce(expected.pipeline_amount, 0) - coalesce(credited.pipeline_amount, 0)) > 0.01
        or abs(coalesce(expected.revenue_amount, 0) - coalesce(credited.revenue_amount, 0)) > 0.01

)

select * from final
