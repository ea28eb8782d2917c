-- Every ticket and every comment that entered raw is accounted for in the shared core.
-- Several models feed this test: Dagster shows it as a check of the one it asserts on.
{{ config(meta={'dagster': {'ref': {'name': 'tickets'}}}) }}
with

raw_tickets as (

    select distinct ticket_id from {{ source('helpdesk', 'tickets') }}

),

raw_comments as (

    select distinct comment_id from {{ source('helpdesk', 'ticket_comments') }}

)

select
    'ticket' as missing,
    raw_tickets.ticket_id as record_id
from raw_tickets
left join {{ ref('tickets') }} as tickets
    on raw_tickets.ticket_id = tickets.ticket_id
where tickets.ticket_id is null

union all

select
    'comment' as missing,
    raw_comments.comment_id as record_id
from raw_comments
left join {{ ref('ticket_replies') }} as ticket_replies
    on raw_comments.comment_id = ticket_replies.ticket_comment_id
where ticket_replies.ticket_comment_id is null
