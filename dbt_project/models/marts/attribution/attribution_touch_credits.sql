-- One row per deal, eligible touch and attribution model: the touch's weight and the pipeline
-- (deal amount) and revenue (won amount) it is credited with (DECISIONLOG.md, "Attribution").

with

deal_touches as (

    select * from {{ ref('int_attribution__deal_touches') }}

),

touch_weights as (

    select * from {{ ref('int_attribution__touch_weights') }}

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

-- The weight columns as rows: one per attribution model.
weighted as (

    select
        touch_weights.deal_touch_id,
        attribution_models.attribution_model,
        case attribution_models.attribution_model
            {% for model_name in attribution_models() %}
                when '{{ model_name }}' then touch_weights.{{ model_name }}_weight
            {% endfor %}
        end as attribution_weight
    from touch_weights
    cross join attribution_models

),

final as (

    select
        {{ surrogate_key([
            'deal_touches.deal_id', 'deal_touches.touch_id', 'weighted.attribution_model'
        ]) }} as touch_credit_id,
        deal_touches.deal_id,
        deal_touches.touch_id,
        weighted.attribution_model,
        weighted.attribution_model = '{{ attribution_default_model() }}'
            as is_default_attribution_model,
        weighted.attribution_weight,
        cast(
            deal_touches.deal_amount * weighted.attribution_weight
            as {{ attribution_type_credit() }}
        ) as attributed_pipeline,
        cast(
            deal_touches.deal_bookings_amount * weighted.attribution_weight
            as {{ attribution_type_credit() }}
        ) as attributed_revenue,
        -- row_number() is a bigint on DuckDB, an int on Spark: the contract says bigint.
        cast(touch_weights.touch_position as {{ dbt.type_bigint() }}) as touch_position,
        touch_weights.touch_count,
        touch_weights.is_first_touch,
        touch_weights.is_lead_creation_touch,
        touch_weights.is_opportunity_creation_touch,
        touch_weights.days_before_deal_created,
        deal_touches.touch_type,
        deal_touches.initiated_by,
        deal_touches.channel,
        deal_touches.campaign_id,
        campaigns.campaign_name,
        coalesce(campaigns.is_event, false) as is_event_campaign,
        deal_touches.occurred_at,
        deal_touches.touch_person_id,
        deal_touches.is_deal_person_touch,
        deal_touches.deal_type,
        deal_touches.owner_rep_id,
        deal_touches.account_id,
        deal_touches.deal_created_at,
        deal_touches.deal_closed_at,
        deal_touches.deal_created_month,
        deal_touches.deal_closed_month,
        deal_touches.is_won,
        deal_touches.deal_amount,
        deal_touches.deal_bookings_amount
    from weighted
    inner join deal_touches
        on weighted.deal_touch_id = deal_touches.deal_touch_id
    inner join touch_weights
        on weighted.deal_touch_id = touch_weights.deal_touch_id
    left join campaigns
        on deal_touches.campaign_id = campaigns.campaign_id

)

select * from final
