-- One row per deal with the sales activities reps logged while it was open: CRM adoption on deals.
-- The CRM extract leaves an activity's deal empty, so an activity counts for a deal when it was
-- logged on the deal's primary person or account between the deal's creation and its close.

with

deals as (

    select * from {{ ref('deals') }}

),

touches as (

    select * from {{ ref('touches') }}

),

sales_touches as (

    select
        touch_id,
        person_id,
        account_id,
        occurred_at
    from touches
    where is_sales_touch

),

activity_per_deal as (

    select
        deals.deal_id,
        count(distinct sales_touches.touch_id) as activities_logged
    from deals
    inner join sales_touches
        on (
            deals.person_id = sales_touches.person_id
            or deals.account_id = sales_touches.account_id
        )
        and deals.created_at <= sales_touches.occurred_at
        and (deals.closed_at is null or deals.closed_at >= sales_touches.occurred_at)
    group by deals.deal_id

),

final as (

    select
        deals.deal_id,
        deals.owner_rep_id,
        deals.created_at,
        coalesce(activity_per_deal.activities_logged, 0) as activities_logged,
        coalesce(activity_per_deal.activities_logged, 0) > 0 as has_logged_activity
    from deals
    left join activity_per_deal
        on deals.deal_id = activity_per_deal.deal_id

)

select * from final
