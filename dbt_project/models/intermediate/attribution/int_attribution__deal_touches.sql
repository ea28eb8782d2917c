{{ config(materialized='table') }}

-- One row per deal and eligible touch: a touch of the deal's primary person, or a buyer-initiated
-- touch of anyone at the deal's account, at most `attribution.window_days` before the deal was
-- created and not after it (DECISIONLOG.md, "Attribution"). A sales touch logged against another
-- deal is not eligible.

{%- set window_days = var('attribution')['window_days'] %}

with

deals as (

    select * from {{ ref('pipeline') }}

),

contacts as (

    select * from {{ ref('contacts') }}

),

touches as (

    select * from {{ ref('int_attribution__touches') }}

),

-- Two equi-joins (person, account) instead of one join on an OR: both stay hash joins.
touches_of_deal_people as (

    select
        deals.deal_id,
        touches.touch_id
    from deals
    inner join touches
        on deals.person_id = touches.person_id
    where
        touches.occurred_at <= deals.created_at
        and touches.occurred_at
        >= {{ dbt.dateadd('day', -window_days, 'deals.created_at') }}

),

touches_of_deal_accounts as (

    select
        deals.deal_id,
        touches.touch_id
    from deals
    inner join touches
        on deals.account_id = touches.account_id
    where
        -- A colleague counts when they raised a hand; what we did to a colleague (a badge scan,
        -- an outbound call) did not bring the deal's own buyer.
        touches.initiated_by = 'buyer'
        and touches.occurred_at <= deals.created_at
        and touches.occurred_at
        >= {{ dbt.dateadd('day', -window_days, 'deals.created_at') }}

),

deal_touch_ids as (

    select
        deal_id,
        touch_id
    from touches_of_deal_people
    union
    select
        deal_id,
        touch_id
    from touches_of_deal_accounts

),

final as (

    select
        {{ surrogate_key(['deal_touch_ids.deal_id', 'deal_touch_ids.touch_id']) }}
            as deal_touch_id,
        deals.deal_id,
        deals.deal_type,
        deals.owner_rep_id,
        deals.account_id,
        deals.person_id as deal_person_id,
        deals.created_at as deal_created_at,
        deals.closed_at as deal_closed_at,
        deals.created_month as deal_created_month,
        deals.closed_month as deal_closed_month,
        deals.is_won,
        deals.amount as deal_amount,
        deals.bookings_amount as deal_bookings_amount,
        contacts.captured_at as lead_captured_at,
        touches.touch_id,
        touches.touch_type,
        touches.initiated_by,
        touches.channel,
        touches.campaign_id,
        touches.occurred_at,
        touches.person_id as touch_person_id,
        coalesce(touches.person_id = deals.person_id, false) as is_deal_person_touch,
        {{ double_division(
            dbt.datediff('touches.occurred_at', 'deals.created_at', 'second'), '86400.0'
        ) }} as days_before_deal_created
    from deal_touch_ids
    inner join deals
        on deal_touch_ids.deal_id = deals.deal_id
    inner join touches
        on deal_touch_ids.touch_id = touches.touch_id
    left join contacts
        on deals.person_id = contacts.person_id
    where touches.deal_id is null or touches.deal_id = deals.deal_id

)

select * from final
