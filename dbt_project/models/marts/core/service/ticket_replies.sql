{{
    config(
        materialized=incremental_materialization(),
        unique_key='ticket_comment_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

-- Every ticket comment, with the response time it answered (DECISIONLOG.md, "Service").
-- Incremental: a new drop recomputes only the tickets it touched (a new comment or a new ticket
-- version loaded after the last build), all of each such ticket's comments, because a response
-- time depends on the comments before it. The result is the same as a full refresh.

with

comments as (

    select * from {{ ref('stg_helpdesk__ticket_comments') }}

),

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

),

business_calendar as (

    select * from {{ ref('int_service__business_calendar') }}

),

{% if is_incremental() %}

last_build as (

    select max(_loaded_at) as last_loaded_at from {{ this }}

),

touched_tickets as (

    select comments.ticket_id
    from comments
    cross join last_build
    where comments._loaded_at > last_build.last_loaded_at

    union

    select tickets.ticket_id
    from tickets
    cross join last_build
    where tickets._loaded_at > last_build.last_loaded_at

),

{% endif %}

comments_to_build as (

    select comments.*
    from comments
    {% if is_incremental() -%}
    inner join touched_tickets
        on comments.ticket_id = touched_tickets.ticket_id
    {%- endif %}

),

sequenced as (

    select
        comments_to_build.*,
        tickets.created_at as ticket_created_at,
        comments_to_build.author_role = 'agent'
        and comments_to_build.is_public as is_public_agent_reply,
        row_number() over (
            partition by comments_to_build.ticket_id
            order by comments_to_build.created_at, comments_to_build.ticket_comment_id
        ) as comment_sequence,
        -- The conversation turn a comment belongs to: how many public agent replies came before
        -- it. A public agent reply closes its turn; the customer's wait in a turn starts at the
        -- turn's first end-user message (or at ticket creation in turn 0).
        coalesce(sum(
            case
                when
                    comments_to_build.author_role = 'agent' and comments_to_build.is_public
                    then 1
                else 0
            end
        ) over (
            partition by comments_to_build.ticket_id
            order by comments_to_build.created_at, comments_to_build.ticket_comment_id
            rows between unbounded preceding and 1 preceding
        ), 0) as conversation_turn
    from comments_to_build
    left join tickets
        on comments_to_build.ticket_id = tickets.ticket_id

),

customer_waits as (

    select
        ticket_id,
        conversation_turn,
        min(created_at) as first_customer_message_at
    from sequenced
    where author_role = 'end_user'
    group by ticket_id, conversation_turn

),

waits_answered as (

    select
        sequenced.*,
        case
            when not sequenced.is_public_agent_reply then null
            when sequenced.conversation_turn = 0
                then coalesce(
                        case
                            when customer_waits.first_customer_message_at
                                < sequenced.ticket_created_at
                                then customer_waits.first_customer_message_at
                        end,
                        sequenced.ticket_created_at,
                        customer_waits.first_customer_message_at
                    )
            else customer_waits.first_customer_message_at
        end as response_wait_started_at
    from sequenced
    left join customer_waits
        on
            sequenced.ticket_id = customer_waits.ticket_id
            and sequenced.conversation_turn = customer_waits.conversation_turn

),

business_minutes as (

    {{ business_minutes_of_intervals(
        'waits_answered', 'ticket_comment_id', 'response_wait_started_at', 'created_at', 'business_calendar'
    ) }}

),

final as (

    select
        waits_answered.ticket_comment_id,
        waits_answered.ticket_id,
        waits_answered.author_user_id,
        waits_answered.author_role,
        waits_answered.is_public,
        waits_answered.is_public_agent_reply,
        waits_answered.comment_sequence,
        waits_answered.conversation_turn,
        waits_answered.created_at,
        waits_answered.body_length_chars,
        waits_answered.response_wait_started_at is not null as is_response,
        waits_answered.is_public_agent_reply
        and waits_answered.conversation_turn = 0 as is_first_response,
        waits_answered.response_wait_started_at,
        cast(
            {{ dbt.datediff(
                'waits_answered.response_wait_started_at', 'waits_answered.created_at', 'second'
            ) }}
            / 60.0 as decimal(18, 2)
        ) as response_calendar_minutes,
        cast(business_minutes.business_minutes as decimal(18, 2)) as response_business_minutes,
        waits_answered._source_file,
        waits_answered._source_line,
        waits_answered._loaded_at
    from waits_answered
    left join business_minutes
        on waits_answered.ticket_comment_id = business_minutes.ticket_comment_id

)

select * from final
