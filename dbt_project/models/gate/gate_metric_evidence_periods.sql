-- Per metric and month of counting: the entities counted, how many reached revenue within the
-- window, the revenue they reached (each revenue event once), and whether the month has matured.
-- The comparison populations ('__population__<entity>') too: a contrast compares with them per month.
{{ config(materialized='table', schema='gate') }}

with

reach as (
    select * from {{ ref('gate_entity_reach') }}
),

entities as (
    select
        metric_name,
        counted_month,
        bool_and(is_matured) as is_matured,
        count(distinct entity_id) as entities_counted,
        count(distinct case when revenue_event_id is not null then entity_id end) as entities_reached
    from reach
    group by metric_name, counted_month
),

revenue_events as (
    select distinct metric_name, counted_month, revenue_event_id, revenue_amount
    from reach
    where revenue_event_id is not null
),

revenue as (
    select metric_name, counted_month, sum(revenue_amount) as revenue_reached
    from revenue_events
    group by metric_name, counted_month
),

final as (
    select
        entities.metric_name,
        entities.counted_month as period_start,
        entities.is_matured,
        entities.entities_counted,
        entities.entities_reached,
        coalesce(revenue.revenue_reached, 0) as revenue_reached,
        entities.entities_reached * 1.0 / nullif(entities.entities_counted, 0) as share_linked,
        entities.entities_reached > 0 as is_link_holding
    from entities
    left join revenue
        on revenue.metric_name = entities.metric_name
        and revenue.counted_month = entities.counted_month
)

select * from final
