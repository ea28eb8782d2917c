-- One row per rep and period (month and quarter) with any closed deal, assigned lead or inbound
-- request: bookings, win rate, speed-to-lead, response time to leads' requests, and the rep's rank
-- on each among the period's reps (DECISIONLOG.md, "Leaderboards"). Rep names are shown: reps
-- are employees and the leaderboard is how the team sees who follows up.

with

reps as (

    select * from {{ ref('reps') }}

),

pipeline as (

    select * from {{ ref('pipeline') }}

),

leads as (

    select
        *,
        case
            when is_followed_up and is_marketing_captured then hours_to_first_sales_touch
        end as speed_to_lead_hours
    from {{ ref('lead_funnel') }}

),

lead_requests as (

    select * from {{ ref('lead_requests') }}

),

grains as (

    select 'month' as period_grain
    union all
    select 'quarter' as period_grain

),

deal_periods as (

    select
        grains.period_grain,
        case grains.period_grain
            when 'month' then pipeline.closed_month
            else cast({{ dbt.date_trunc('quarter', 'pipeline.closed_at') }} as date)
        end as period_start,
        pipeline.owner_rep_id as rep_id,
        sum(pipeline.bookings_amount) as bookings_amount,
        sum(case when pipeline.is_won then 1 else 0 end) as deals_won,
        sum(case when pipeline.is_lost then 1 else 0 end) as deals_lost
    from pipeline
    cross join grains
    where pipeline.is_closed
    group by 1, 2, 3 -- noqa: AM06

),

lead_periods as (

    select
        grains.period_grain,
        cast(
            case grains.period_grain
                when 'month' then {{ dbt.date_trunc('month', 'leads.captured_at') }}
                else {{ dbt.date_trunc('quarter', 'leads.captured_at') }}
            end as date
        ) as period_start,
        leads.owner_rep_id as rep_id,
        count(*) as leads_assigned,
        sum(case when leads.is_followed_up then 1 else 0 end) as leads_followed_up,
        -- Speed to lead over the leads that came in (the metrics' filter): a prospect a rep
        -- sourced is captured by its first touch and would count as 0 hours.
        {{ median('leads.speed_to_lead_hours') }} as median_speed_to_lead_hours,
        -- Averaged as exact decimals: a mean of floats depends on the order rows arrive in, so
        -- two builds of the same files would differ in the last digits.
        avg(
            cast(leads.speed_to_lead_hours as {{ attribution_type_credit() }})
        ) as mean_speed_to_lead_hours
    from leads
    cross join grains
    where leads.owner_rep_id is not null
    group by 1, 2, 3 -- noqa: AM06

),

request_periods as (

    select
        grains.period_grain,
        cast(
            case grains.period_grain
                when 'month' then {{ dbt.date_trunc('month', 'lead_requests.requested_at') }}
                else {{ dbt.date_trunc('quarter', 'lead_requests.requested_at') }}
            end as date
        ) as period_start,
        lead_requests.rep_id,
        count(*) as lead_requests,
        count(lead_requests.responded_at) as lead_requests_answered,
        {{ median('lead_requests.response_hours') }} as median_response_hours
    from lead_requests
    cross join grains
    where lead_requests.rep_id is not null
    group by 1, 2, 3 -- noqa: AM06

),

rep_periods as (

    select
        period_grain,
        period_start,
        rep_id
    from deal_periods
    union
    select
        period_grain,
        period_start,
        rep_id
    from lead_periods
    union
    select
        period_grain,
        period_start,
        rep_id
    from request_periods

),

joined as (

    select
        rep_periods.period_grain,
        cast(rep_periods.period_start as date) as period_start,
        rep_periods.rep_id,
        lead_periods.median_speed_to_lead_hours,
        lead_periods.mean_speed_to_lead_hours,
        request_periods.median_response_hours,
        coalesce(deal_periods.bookings_amount, 0) as bookings_amount,
        coalesce(deal_periods.deals_won, 0) as deals_won,
        coalesce(deal_periods.deals_lost, 0) as deals_lost,
        {{ double_division(
            'deal_periods.deals_won * 1.0',
            'nullif(deal_periods.deals_won + deal_periods.deals_lost, 0)'
        ) }} as win_rate,
        coalesce(lead_periods.leads_assigned, 0) as leads_assigned,
        coalesce(lead_periods.leads_followed_up, 0) as leads_followed_up,
        coalesce(request_periods.lead_requests, 0) as lead_requests,
        coalesce(request_periods.lead_requests_answered, 0) as lead_requests_answered
    from rep_periods
    left join deal_periods
        on
            rep_periods.period_grain = deal_periods.period_grain
            and rep_periods.period_start = deal_periods.period_start
            and rep_periods.rep_id = deal_periods.rep_id
    left join lead_periods
        on
            rep_periods.period_grain = lead_periods.period_grain
            and rep_periods.period_start = lead_periods.period_start
            and rep_periods.rep_id = lead_periods.rep_id
    left join request_periods
        on
            rep_periods.period_grain = request_periods.period_grain
            and rep_periods.period_start = request_periods.period_start
            and rep_periods.rep_id = request_periods.rep_id

),

final as (

    select
        {{ surrogate_key(['joined.rep_id', 'joined.period_grain', 'joined.period_start']) }}
            as rep_leaderboard_id,
        joined.rep_id,
        reps.rep_name,
        reps.rep_role,
        reps.team_name,
        joined.period_grain,
        joined.period_start,
        cast(joined.bookings_amount as decimal(18, 2)) as bookings_amount,
        cast(joined.deals_won as {{ dbt.type_bigint() }}) as deals_won,
        cast(joined.deals_lost as {{ dbt.type_bigint() }}) as deals_lost,
        cast(joined.win_rate as {{ attribution_type_double() }}) as win_rate,
        cast(joined.leads_assigned as {{ dbt.type_bigint() }}) as leads_assigned,
        cast(joined.leads_followed_up as {{ dbt.type_bigint() }}) as leads_followed_up,
        cast(joined.median_speed_to_lead_hours as {{ attribution_type_double() }})
            as median_speed_to_lead_hours,
        cast(joined.mean_speed_to_lead_hours as {{ attribution_type_double() }})
            as mean_speed_to_lead_hours,
        -- The metric speed_to_lead_rank ranks by: the typical lead's wait, not the slow tail.
        'speed_to_lead_hours_median' as speed_to_lead_ranked_by,
        cast(joined.lead_requests as {{ dbt.type_bigint() }}) as lead_requests,
        cast(joined.lead_requests_answered as {{ dbt.type_bigint() }}) as lead_requests_answered,
        cast(joined.median_response_hours as {{ attribution_type_double() }})
            as median_response_hours,
        cast(rank() over (
            partition by joined.period_grain, joined.period_start
            order by joined.bookings_amount desc
        ) as {{ dbt.type_bigint() }}) as bookings_rank,
        cast(rank() over (
            partition by joined.period_grain, joined.period_start
            order by joined.win_rate desc nulls last
        ) as {{ dbt.type_bigint() }}) as win_rate_rank,
        cast(rank() over (
            partition by joined.period_grain, joined.period_start
            order by joined.median_speed_to_lead_hours asc nulls last
        ) as {{ dbt.type_bigint() }}) as speed_to_lead_rank,
        cast(rank() over (
            partition by joined.period_grain, joined.period_start
            order by joined.median_response_hours asc nulls last
        ) as {{ dbt.type_bigint() }}) as response_time_rank
    from joined
    left join reps
        on joined.rep_id = reps.rep_id

)

select * from final
