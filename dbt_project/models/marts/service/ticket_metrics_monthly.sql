-- Service metrics by created month, assignee and priority. Sums and counts are published beside
-- the ratios so any coarser grain (month only, priority only) is re-aggregated exactly:
-- average = sum / count, never an average of averages.

with

ticket_metrics as (

    select * from {{ ref('ticket_metrics') }}

),

aggregated as (

    select
        created_month,
        assignee_agent_id,
        ticket_priority,
        count(*) as ticket_count,
        sum(case when is_solved then 1 else 0 end) as solved_ticket_count,
        sum(case when is_one_touch then 1 else 0 end) as one_touch_ticket_count,
        count(first_response_business_minutes) as first_responded_ticket_count,
        sum(first_response_business_minutes) as first_response_business_minutes_total,
        sum(response_count) as response_count,
        sum(response_business_minutes_total) as response_business_minutes_total,
        sum(resolution_business_minutes) as resolution_business_minutes_total,
        count(satisfaction_score) as rated_ticket_count,
        coalesce(sum(satisfaction_score), 0) as good_rating_count
    from ticket_metrics
    group by created_month, assignee_agent_id, ticket_priority

),

final as (

    select
        cast(
            {{ surrogate_key(['created_month', 'assignee_agent_id', 'ticket_priority']) }}
            as {{ dbt.type_string() }}
        ) as ticket_metrics_monthly_id,
        cast(created_month as date) as created_month,
        cast(assignee_agent_id as {{ dbt.type_string() }}) as assignee_agent_id,
        cast(ticket_priority as {{ dbt.type_string() }}) as ticket_priority,
        cast(ticket_count as integer) as ticket_count,
        cast(solved_ticket_count as integer) as solved_ticket_count,
        cast(one_touch_ticket_count as integer) as one_touch_ticket_count,
        cast(first_responded_ticket_count as integer) as first_responded_ticket_count,
        cast(first_response_business_minutes_total as decimal(18, 2))
            as first_response_business_minutes_total,
        cast(response_count as integer) as response_count,
        cast(response_business_minutes_total as decimal(18, 2)) as response_business_minutes_total,
        cast(resolution_business_minutes_total as decimal(18, 2))
            as resolution_business_minutes_total,
        cast(rated_ticket_count as integer) as rated_ticket_count,
        cast(good_rating_count as integer) as good_rating_count,
        cast(
            first_response_business_minutes_total / nullif(first_responded_ticket_count, 0)
            as decimal(18, 2)
        ) as first_response_business_minutes_avg,
        cast(
            response_business_minutes_total / nullif(response_count, 0)
            as decimal(18, 2)
        ) as response_business_minutes_avg,
        cast(
            resolution_business_minutes_total / nullif(solved_ticket_count, 0)
            as decimal(18, 2)
        ) as resolution_business_minutes_avg,
        cast(
            {{ double_division('1.0 * one_touch_ticket_count', 'nullif(solved_ticket_count, 0)') }}
            as decimal(18, 4)
        ) as one_touch_resolution_rate,
        cast(
            {{ double_division('1.0 * good_rating_count', 'nullif(rated_ticket_count, 0)') }}
            as decimal(18, 4)
        ) as satisfaction_score
    from aggregated

)

select * from final
