-- Service metrics per ticket: the inputs of first response time, average response time,
-- resolution time, one-touch resolution rate and satisfaction, with the dimensions they are cut
-- by (created month, assignee, priority, channel, account). Response and resolution times are in
-- business minutes (Mon-Fri 09:00-17:00 UTC) with calendar minutes beside them (DECISIONLOG.md).

with

tickets as (

    select * from {{ ref('tickets') }}

),

final as (

    select
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(created_month as date) as created_month,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        cast(assignee_agent_id as {{ dbt.type_string() }}) as assignee_agent_id,
        cast(ticket_priority as {{ dbt.type_string() }}) as ticket_priority,
        cast(ticket_channel as {{ dbt.type_string() }}) as ticket_channel,
        cast(ticket_status as {{ dbt.type_string() }}) as ticket_status,
        cast(is_solved as boolean) as is_solved,
        cast(is_one_touch as boolean) as is_one_touch,
        cast(first_response_business_minutes as decimal(18, 2)) as first_response_business_minutes,
        cast(first_response_calendar_minutes as decimal(18, 2)) as first_response_calendar_minutes,
        cast(response_count as integer) as response_count,
        cast(response_business_minutes_total as decimal(18, 2)) as response_business_minutes_total,
        cast(response_calendar_minutes_total as decimal(18, 2)) as response_calendar_minutes_total,
        cast(
            response_business_minutes_total / nullif(response_count, 0) as decimal(18, 2)
        ) as average_response_business_minutes,
        cast(resolution_business_minutes as decimal(18, 2)) as resolution_business_minutes,
        cast(resolution_calendar_minutes as decimal(18, 2)) as resolution_calendar_minutes,
        cast(satisfaction_rating as {{ dbt.type_string() }}) as satisfaction_rating,
        cast(satisfaction_score as integer) as satisfaction_score
    from tickets

)

select * from final
