-- One row per ticket in its latest state, with the requester resolved to a person and an
-- account, the reply statistics from ticket_replies, and the satisfaction rating
-- (DECISIONLOG.md, "Service").

with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

),

ticket_replies as (

    select * from {{ ref('ticket_replies') }}

),

satisfaction_ratings as (

    select * from {{ ref('stg_helpdesk__satisfaction_ratings') }}

),

person_map as (

    select * from {{ ref('int_identity__person_map') }}
    where record_type = 'ticket_requester'

),

account_map as (

    select * from {{ ref('int_identity__account_map') }}
    where record_type = 'ticket_requester'

),

business_calendar as (

    select * from {{ ref('int_service__business_calendar') }}

),

reply_stats as (

    select
        ticket_id,
        sum(case when is_public_agent_reply then 1 else 0 end) as public_agent_reply_count,
        sum(case when is_response then 1 else 0 end) as response_count,
        sum(response_calendar_minutes) as response_calendar_minutes_total,
        sum(response_business_minutes) as response_business_minutes_total,
        min(case when is_first_response then created_at end) as first_replied_at,
        max(case when is_first_response then response_calendar_minutes end)
            as first_response_calendar_minutes,
        max(case when is_first_response then response_business_minutes end)
            as first_response_business_minutes
    from ticket_replies
    group by ticket_id

),

-- A ticket may be rated more than once (a re-sent survey): the latest answer counts.
latest_ratings as (

    select *
    from (
        select
            satisfaction_ratings.*,
            row_number() over (
                partition by satisfaction_ratings.ticket_id
                order by
                    satisfaction_ratings.updated_at desc,
                    satisfaction_ratings.satisfaction_rating_id desc
            ) as rating_rank
        from satisfaction_ratings
    ) as ranked
    where rating_rank = 1

),

solved_tickets as (

    select
        ticket_id,
        created_at,
        solved_at
    from tickets
    where ticket_status in ('solved', 'closed') and solved_at is not null

),

resolution_business_minutes as (

    {{ business_minutes_of_intervals(
        'solved_tickets', 'ticket_id', 'created_at', 'solved_at', 'business_calendar'
    ) }}

),

final as (

    select
        tickets.ticket_id,
        person_map.person_id,
        person_map.person_match_rule,
        account_map.account_id,
        account_map.crm_account_id,
        account_map.account_match_rule,
        tickets.requester_email_normalized,
        tickets.organization_name,
        tickets.assignee_agent_id,
        tickets.ticket_priority,
        tickets.ticket_status,
        tickets.ticket_channel,
        tickets.subject,
        tickets.created_at,
        cast({{ dbt.date_trunc('month', 'tickets.created_at') }} as date) as created_month,
        solved_tickets.solved_at,
        solved_tickets.ticket_id is not null as is_solved,
        reply_stats.first_replied_at,
        reply_stats.first_response_calendar_minutes,
        reply_stats.first_response_business_minutes,
        coalesce(reply_stats.public_agent_reply_count, 0) as public_agent_reply_count,
        coalesce(reply_stats.response_count, 0) as response_count,
        reply_stats.response_calendar_minutes_total,
        reply_stats.response_business_minutes_total,
        cast(
            {{ dbt.datediff('solved_tickets.created_at', 'solved_tickets.solved_at', 'second') }}
            / 60.0 as decimal(18, 2)
        ) as resolution_calendar_minutes,
        cast(resolution_business_minutes.business_minutes as decimal(18, 2))
            as resolution_business_minutes,
        solved_tickets.ticket_id is not null
        and coalesce(reply_stats.public_agent_reply_count, 0) = 1 as is_one_touch,
        latest_ratings.satisfaction_rating_id,
        latest_ratings.rating_score as satisfaction_rating,
        case latest_ratings.rating_score
            when 'good' then 1
            when 'bad' then 0
        end as satisfaction_score,
        tickets.updated_at,
        tickets._loaded_at
    from tickets
    left join solved_tickets
        on tickets.ticket_id = solved_tickets.ticket_id
    left join resolution_business_minutes
        on tickets.ticket_id = resolution_business_minutes.ticket_id
    left join reply_stats
        on tickets.ticket_id = reply_stats.ticket_id
    left join latest_ratings
        on tickets.ticket_id = latest_ratings.ticket_id
    left join person_map
        on tickets.ticket_id = person_map.record_key
    left join account_map
        on tickets.ticket_id = account_map.record_key

)

select * from final
