-- One row per deal and eligible touch with its place in the deal's path and its weight under
-- every attribution model (macros/attribution/attribution_weights.sql; DECISIONLOG.md,
-- "Attribution"). attribution_touch_credits turns the weight columns into rows.

with

deal_touches as (

    select * from {{ ref('int_attribution__deal_touches') }}

),

-- Order within the deal's path; ties broken by touch id so the same inputs give the same path.
positioned as (

    select
        *,
        row_number() over (
            partition by deal_id
            order by occurred_at, touch_id
        ) as touch_position,
        count(*) over (partition by deal_id) as touch_count,
        {{ attribution_time_decay_factor('days_before_deal_created') }} as time_decay_factor
    from deal_touches

),

-- W-shaped lead anchor: the last touch of the deal's person at or before the person was first
-- captured (the touch that made them a lead); the first touch when there is none in the window.
anchored as (

    select
        *,
        coalesce(
            max(
                case
                    when is_deal_person_touch and occurred_at <= lead_captured_at
                        then touch_position
                end
            ) over (partition by deal_id),
            1
        ) as lead_touch_position,
        sum(time_decay_factor) over (partition by deal_id) as time_decay_factor_total
    from positioned

),

final as (

    select
        deal_touch_id,
        deal_id,
        touch_id,
        touch_position,
        cast(touch_count as {{ dbt.type_bigint() }}) as touch_count,
        lead_touch_position,
        touch_position = 1 as is_first_touch,
        touch_position = lead_touch_position as is_lead_creation_touch,
        touch_position = touch_count as is_opportunity_creation_touch,
        cast(days_before_deal_created as {{ attribution_type_double() }})
            as days_before_deal_created,
        cast(
            {{ attribution_first_touch_weight('touch_position') }}
            as {{ attribution_type_double() }}
        ) as first_touch_weight,
        cast(
            {{ attribution_last_touch_weight('touch_position', 'touch_count') }}
            as {{ attribution_type_double() }}
        ) as last_touch_weight,
        cast({{ attribution_linear_weight('touch_count') }} as {{ attribution_type_double() }})
            as linear_weight,
        cast(
            {{ attribution_u_shaped_weight('touch_position', 'touch_count') }}
            as {{ attribution_type_double() }}
        ) as u_shaped_weight,
        cast(
            {{ attribution_w_shaped_weight(
                'touch_position', 'touch_count', 'lead_touch_position'
            ) }}
            as {{ attribution_type_double() }}
        ) as w_shaped_weight,
        cast(time_decay_factor / time_decay_factor_total as {{ attribution_type_double() }})
            as time_decay_weight
    from anchored

)

select * from final
