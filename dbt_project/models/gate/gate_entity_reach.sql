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

-- One equi-join per entity type (its rule above), so the database hash-joins on the key instead
-- of comparing every counting with every revenue event.
{%- set rules = [
    {'entity_type': 'contact', 'event_type': 'won_deal', 'event_key': 'person_id', 'counted_key': 'entity_id', 'started_after_counting': true},
    {'entity_type': 'campaign', 'event_type': 'won_deal', 'event_key': 'person_id', 'counted_key': 'via_person_id', 'started_after_counting': true},
    {'entity_type': 'account', 'event_type': 'won_deal', 'event_key': 'account_id', 'counted_key': 'entity_id', 'started_after_counting': true},
    {'entity_type': 'deal', 'event_type': none, 'event_key': 'deal_id', 'counted_key': 'entity_id', 'started_after_counting': false},
    {'entity_type': 'ticket', 'event_type': 'paid_invoice', 'event_key': 'account_id', 'counted_key': 'via_account_id', 'started_after_counting': false},
    {'entity_type': 'subscription', 'event_type': 'paid_invoice', 'event_key': 'subscription_id', 'counted_key': 'entity_id', 'started_after_counting': false},
] %}

reached as (
    {%- for rule in rules %}
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
        on revenue_events.{{ rule.event_key }} = counted.{{ rule.counted_key }}
        and revenue_events.reached_at >= counted.counted_at
        and revenue_events.reached_at <= {{ dbt.dateadd('day', window, 'counted.counted_at') }}
        {%- if rule.event_type %}
        and revenue_events.revenue_event_type = '{{ rule.event_type }}'
        {%- endif %}
        {%- if rule.started_after_counting %}
        and revenue_events.started_at >= counted.counted_at
        {%- endif %}
    where counted.entity_type = '{{ rule.entity_type }}'
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
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
