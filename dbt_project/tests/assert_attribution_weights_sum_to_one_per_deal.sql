-- Every attribution model hands out exactly one deal's worth of credit per deal.

with

credits as (

    select * from {{ ref('attribution_touch_credits') }}

),

totals as (

    select
        deal_id,
        attribution_model,
        sum(attribution_weight) as total_weight
    from credits
    group by deal_id, attribution_model

),

final as (

    select * from totals
    where abs(total_weight - 1.0) > 0.000001

)

select * from final
