-- One row per buyer request: the buyer called, emailed or asked for a meeting (an inbound sales
-- activity). Its response: our next outbound sales touch to the same person, by any rep (the
-- buyer sees whether someone answered). The request is the receiving rep's to answer. The
-- metrics lead_requests, lead_requests_answered and lead_response_hours_median read it, and
-- rep_leaderboard shows them (DECISIONLOG.md, "Leaderboards").

with

touches as (

    select * from {{ ref('touches') }}

),

requests as (

    select
        touch_id,
        rep_id,
        person_id,
        occurred_at
    from touches
    where is_sales_touch and initiated_by = 'buyer' and person_id is not null

),

outbound as (

    select
        person_id,
        occurred_at
    from touches
    where is_sales_touch and initiated_by = 'us' and person_id is not null

),

responses as (

    select
        requests.touch_id,
        requests.rep_id,
        requests.person_id,
        requests.occurred_at,
        min(outbound.occurred_at) as responded_at
    from requests
    left join outbound
        on
            requests.person_id = outbound.person_id
            and requests.occurred_at < outbound.occurred_at
    group by requests.touch_id, requests.rep_id, requests.person_id, requests.occurred_at

),

final as (

    select
        touch_id as request_touch_id,
        rep_id,
        person_id,
        occurred_at as requested_at,
        responded_at,
        {{ double_division(
            dbt.datediff('occurred_at', 'responded_at', 'second'), '3600.0'
        ) }} as response_hours
    from responses

)

select * from final
