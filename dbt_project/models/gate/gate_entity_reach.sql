{#-
    Which revenue each counted entity reached within the attribution window after it was counted.
    One reusable rule per entity type (DECISIONLOG.md, "Revenue-link gate"):
      contact   the person is the primary contact of a deal created at or after the counting and
                won within the window (the counting came before the deal, the win inside the window)
      campaign  the same, through the person the campaign touched
      deal      the deal itself is won within the window
      account   a deal of the account created at or after the counting and won within the window
      ticket    the ticket's account pays an invoice issued within the window (it is retained)
      subscription  an invoice of the subscription is paid within the window
    A row per counted entity and reached revenue event; an entity that reached nothing has one row
    with a null revenue_event_id. is_matured: the whole window lies before the data's as-of time.
-#}
{{ config(materialized='table', schema='gate') }}

{%- set window = var('gate')['attribution_window_days'] %}

with

counted as (
    select * from {{ ref('gate_counted_entities') }}
),

revenue_events as (
    select * from {{ ref('gate_revenue_events') }}
),

as_of as (
    select * from {{ ref('gate_as_of') }}
),

reached as (
    select
        counted.metric_name,
        counted.entity_type,
        counted.entity_id,
        counted.via_person_id,
        counted.counted_at,
        revenue_events.revenue_event_id,
        revenue_events.amount
    from counted
    inner join revenue_events
        on revenue_events.reached_at >= counted.counted_at
        and revenue_events.reached_at <= {{ dbt.dateadd('day', window, 'counted.counted_at') }}
        and (
            (
                counted.entity_type in ('contact', 'campaign', 'account')
                and revenue_events.revenue_event_type = 'won_deal'
                and revenue_events.started_at >= counted.counted_at
                and (
                    (counted.entity_type = 'contact' and revenue_events.person_id = counted.entity_id)
                    or (counted.entity_type = 'campaign' and revenue_events.person_id = counted.via_person_id)
                    or (counted.entity_type = 'account' and revenue_events.account_id = counted.entity_id)
                )
            )
            or (
                counted.entity_type = 'deal'
                and revenue_events.deal_id = counted.entity_id
            )
            or (
                counted.entity_type = 'ticket'
                and revenue_events.revenue_event_type = 'paid_invoice'
                and revenue_events.account_id = counted.via_account_id
            )
            or (
                counted.entity_type = 'subscription'
                and revenue_events.revenue_event_type = 'paid_invoice'
                and revenue_events.subscription_id = counted.entity_id
            )
        )
),

final as (
    select
        counted.metric_name,
        counted.entity_type,
        counted.entity_id,
        counted.via_person_id,
        counted.via_campaign_id,
        counted.counted_at,
        counted.counted_month,
        counted.entity_value,
        counted.is_buyer_act,
        counted.counted_at <= as_of.matured_before as is_matured,
        reached.revenue_event_id,
        reached.amount as revenue_amount
    from counted
    cross join as_of
    left join reached
        on reached.metric_name = counted.metric_name
        and reached.entity_id = counted.entity_id
        and reached.counted_at = counted.counted_at
        and reached.via_person_id is not distinct from counted.via_person_id
)

select * from final
