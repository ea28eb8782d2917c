{#-
    One row per metric: the evidence the GX suites judge (expectations/). Only matured countings
    (whole window before the as-of time) count. evidence_error says why evidence could not be
    computed (no entities, too few periods, no series): such a metric is blocked, never passed.
-#}
{{ config(materialized='table', schema='gate') }}

{%- set gate = var('gate') %}

with

definitions as (
    select * from {{ ref('gate_metric_definitions') }}
),

reach as (
    select * from {{ ref('gate_entity_reach') }}
    where is_matured
),

periods as (
    select * from {{ ref('gate_metric_evidence_periods') }}
    where is_matured
),

series as (
    select * from {{ ref('gate_metric_series') }}
    where is_complete
),

-- Per metric and entity: reached anything? its value (mean over its countings)
entity_outcomes as (
    select
        metric_name,
        entity_type,
        entity_id,
        avg(entity_value) as entity_value,
        bool_or(is_buyer_act) as is_buyer_act,
        bool_or(revenue_event_id is not null) as has_reached
    from reach
    group by metric_name, entity_type, entity_id
),

revenue_events as (
    select distinct metric_name, revenue_event_id, revenue_amount
    from reach
    where revenue_event_id is not null
),

overall as (
    select
        outcomes.metric_name,
        count(*) as counted_entities,
        count(*) filter (where outcomes.has_reached) as entities_reached,
        count(outcomes.entity_value) as entities_with_value,
        avg(case when outcomes.is_buyer_act then 1.0 else 0.0 end) as buyer_act_share,
        median(outcomes.entity_value) as median_entity_value,
        (select coalesce(sum(revenue_amount), 0) from revenue_events
            where revenue_events.metric_name = outcomes.metric_name) as revenue_reached
    from entity_outcomes as outcomes
    where outcomes.metric_name not like '\_\_population\_\_%' escape '\'
    group by outcomes.metric_name
),

-- Metrics with a per-entity value: entities better than the median against the rest
-- (when nothing is strictly better than the median, at-or-above against below).
value_split as (
    select
        outcomes.metric_name,
        case
            when outcomes.entity_value > overall.median_entity_value then 'better'
            when max(outcomes.entity_value) over (partition by outcomes.metric_name) > overall.median_entity_value then 'worse'
            when outcomes.entity_value >= overall.median_entity_value and min(outcomes.entity_value) over (partition by outcomes.metric_name) < overall.median_entity_value then 'better'
            else 'worse'
        end as side,
        outcomes.has_reached
    from entity_outcomes as outcomes
    inner join overall on overall.metric_name = outcomes.metric_name
    where outcomes.entity_value is not null
),

-- Count metrics: the counted entities against the population's entities the metric did not count.
population as (
    select
        replace(metric_name, '__population__', '') as entity_type,
        entity_id,
        has_reached
    from entity_outcomes
    where metric_name like '\_\_population\_\_%' escape '\'
),

counted_split as (
    select
        counted.metric_name,
        'better' as side,
        counted.has_reached
    from entity_outcomes as counted
    where counted.metric_name not like '\_\_population\_\_%' escape '\'
    union all
    select
        metrics.metric_name,
        'worse' as side,
        population.has_reached
    from (select distinct metric_name, entity_type from entity_outcomes) as metrics
    inner join population on population.entity_type = metrics.entity_type
    where metrics.metric_name not like '\_\_population\_\_%' escape '\'
        and not exists (
            select 1 from entity_outcomes as counted
            where counted.metric_name = metrics.metric_name
                and counted.entity_id = population.entity_id
        )
),

sides as (
    select metric_name, 'better_than_median_vs_rest' as lift_basis, side, has_reached from value_split
    union all
    select split.metric_name, 'counted_vs_not_counted' as lift_basis, split.side, split.has_reached
    from counted_split as split
    inner join overall on overall.metric_name = split.metric_name
    where overall.entities_with_value = 0
),

lift as (
    select
        metric_name,
        max(lift_basis) as lift_basis,
        avg(case when has_reached then 1.0 else 0.0 end) filter (where side = 'better') as better_share_linked,
        avg(case when has_reached then 1.0 else 0.0 end) filter (where side = 'worse') as rest_share_linked
    from sides
    group by metric_name
),

-- Campaign-linked counts (mapping keys `campaign`, `credited`): the campaigns behind the matured
-- countings, their ledger cost (marts.campaign_roi) and the revenue attribution credits to the
-- touches the metric counts, under the most favourable of the six attribution models (the
-- verdict should not hinge on which model marketing prefers).
campaign_countings as (
    select distinct metric_name, via_campaign_id as campaign_id
    from reach
    where via_campaign_id is not null
),

campaign_costs as (
    select countings.metric_name, count(*) as campaigns, sum(coalesce(roi.total_cost, 0)) as campaign_cost
    from campaign_countings as countings
    inner join {{ ref('campaign_roi') }} as roi
        on roi.campaign_id = countings.campaign_id
        and roi.attribution_model = 'linear'  -- the cost is the same under every model
    group by countings.metric_name
),

-- Revenue the attribution models credit to the touches the metric counts, on its campaigns.
campaign_credits as (
    {%- for m in gate_metric_entities() if m.get('credited') %}
    select '{{ m.metric }}' as metric_name, credits.attribution_model,
        sum(credits.attributed_revenue) as attributed_revenue
    from {{ ref('attribution_touch_credits') }} as credits
    where ({{ m.credited }})
        and credits.campaign_id in (
            select campaign_id from campaign_countings where metric_name = '{{ m.metric }}'
        )
    group by credits.attribution_model
    union all
    {%- endfor %}
    select cast(null as varchar), cast(null as varchar), cast(null as double) where false
),

campaign_models as (
    select
        costs.metric_name,
        credits.attribution_model,
        costs.campaigns,
        costs.campaign_cost,
        coalesce(credits.attributed_revenue, 0) as attributed_revenue
    from campaign_costs as costs
    -- no credit at all (nobody scanned bought) is a return of 0, not a missing basis
    left join campaign_credits as credits on credits.metric_name = costs.metric_name
),

campaign_return as (
    select
        metric_name,
        max(campaigns) as campaigns,
        max(campaign_cost) as campaign_cost,
        max(attributed_revenue) as campaign_attributed_revenue,
        arg_max(attribution_model, attributed_revenue) as campaign_return_model,
        coalesce(max(attributed_revenue), 0) / nullif(max(campaign_cost), 0) as campaign_return
    from campaign_models
    group by metric_name
),

-- Buyers' follow-on: did the people counted go on to act as buyers (a reply, an inbound call,
-- email or meeting, a form, a registration, an attendance; not page views or clicks) within the
-- window after they were first counted, more often than comparable people: the leads whose
-- capture was not a buyer's act either (badge scans, rep-created contacts) that the metric did
-- not count.
buyer_touches as (
    select person_id, occurred_at
    from {{ ref('touches') }}
    where initiated_by = 'buyer'
        and touch_type not in ('web_visit', 'email_click', 'ad_click')
),

contact_firsts as (
    select metric_name, entity_id, min(counted_at) as counted_at, bool_or(is_buyer_act) as is_buyer_act
    from reach
    where entity_type = 'contact'
    group by metric_name, entity_id
),

follow_on as (
    select
        firsts.metric_name,
        firsts.entity_id,
        firsts.is_buyer_act,
        count(buyer_touches.person_id) > 0 as has_follow_on
    from contact_firsts as firsts
    left join buyer_touches
        on buyer_touches.person_id = firsts.entity_id
        and buyer_touches.occurred_at > firsts.counted_at
        and buyer_touches.occurred_at <= {{ dbt.dateadd('day', gate['attribution_window_days'], 'firsts.counted_at') }}
    group by firsts.metric_name, firsts.entity_id, firsts.is_buyer_act
),

comparable as (
    select
        metrics.metric_name,
        avg(case when population.has_follow_on then 1.0 else 0.0 end) as comparable_follow_on_share
    from (
        select distinct metric_name from follow_on
        where metric_name not like '\_\_population\_\_%' escape '\'
    ) as metrics
    cross join (
        select * from follow_on
        where metric_name = '__population__contact' and not is_buyer_act
    ) as population
    where not exists (
        select 1 from follow_on as counted
        where counted.metric_name = metrics.metric_name
            and counted.entity_id = population.entity_id
    )
    group by metrics.metric_name
),

follow_on_lift as (
    select
        follow_on.metric_name,
        avg(case when follow_on.has_follow_on then 1.0 else 0.0 end) as follow_on_share,
        any_value(comparable.comparable_follow_on_share) as comparable_follow_on_share
    from follow_on
    inner join comparable on comparable.metric_name = follow_on.metric_name
    group by follow_on.metric_name
),

-- How the bottom line is judged (DECISIONLOG.md, "Revenue-link gate"): a count of what should
-- be fewer (direction lower_is_better, e.g. leads never followed up) is linked to revenue through
-- the contrast: the entities it does NOT count must reach revenue, and more often than the ones it
-- counts. The 'better' side is then the population it does not count.
{%- set contrast = "definitions.direction = 'lower_is_better' and definitions.unit = 'count'"
    ~ " and lift.lift_basis = 'counted_vs_not_counted'" %}
bases as (
    select
        definitions.metric_name,
        definitions.entity_type,
        case
            when definitions.is_revenue_metric then 'revenue_by_definition'
            when definitions.entity_type = 'unmapped' then 'unmapped'
            when definitions.entity_type = 'none' then 'series_correlation'
            when lift.lift_basis = 'better_than_median_vs_rest' then 'better_than_median'
            -- a count (unit count) where fewer is better: each entity it counts is a failure
            when definitions.direction = 'lower_is_better' and definitions.unit = 'count' then 'contrast'
            -- a count of what a campaign with a cost produced: the campaigns' return
            when campaign_return.campaign_cost > 0 then 'campaign_return'
            else 'counted'
        end as bottom_line_basis,
        lift.lift_basis,
        case when {{ contrast }}
            then lift.rest_share_linked else lift.better_share_linked end as better_share_linked,
        case when {{ contrast }}
            then lift.better_share_linked else lift.rest_share_linked end as rest_share_linked
    from definitions
    left join lift on lift.metric_name = definitions.metric_name
    left join campaign_return on campaign_return.metric_name = definitions.metric_name
),

-- Per month: the link holds when a counted entity reaches revenue; for a contrast, when the
-- population's entities it did not count reach revenue more often than the ones it counted.
-- A month without the link counts against the metric only when it is conclusive: at the metric's
-- overall rate, a month with that few entities would reach no revenue with a chance below
-- gate.max_chance_of_an_empty_month (a small company's quiet month says nothing).
period_links as (
    select
        periods.metric_name,
        periods.period_start,
        case
            when bases.bottom_line_basis = 'contrast' then
                periods.entities_reached > 0
                or power(
                    1 - coalesce(bases.better_share_linked, 0),
                    greatest(population.entities_counted - periods.entities_counted, 0)
                ) < {{ gate['max_chance_of_an_empty_month'] }}
            else power(
                1 - coalesce(overall.entities_reached * 1.0 / nullif(overall.counted_entities, 0), 0),
                periods.entities_counted
            ) < {{ gate['max_chance_of_an_empty_month'] }}
        end as is_conclusive,
        case
            when bases.bottom_line_basis = 'contrast' then coalesce(
                (population.entities_reached - periods.entities_reached) * 1.0
                / nullif(population.entities_counted - periods.entities_counted, 0)
                > coalesce(periods.share_linked, 0),
                false
            )
            else periods.is_link_holding
        end as is_link_holding
    from periods
    inner join bases on bases.metric_name = periods.metric_name
    left join overall on overall.metric_name = periods.metric_name
    left join periods as population
        on population.metric_name = '__population__' || bases.entity_type
        and population.period_start = periods.period_start
),

period_summary as (
    select
        metric_name,
        count(*) as periods,
        count(*) filter (where is_link_holding) as periods_linked,
        count(*) filter (where is_link_holding or is_conclusive) as periods_judged
    from period_links
    group by metric_name
),

correlations as (
    {%- for lag in range(gate['max_lag_months'] + 1) %}
    select metric_name, {{ lag }} as lag_months, corr(metric_value, bookings_lag_{{ lag }}) as correlation,
        count(bookings_lag_{{ lag }}) as series_periods
    from series
    group by metric_name
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

best_lag as (
    select
        metric_name,
        arg_max(lag_months, coalesce(correlation, -2) * 10 - lag_months * 0.001) as best_lag_months,
        max(correlation) as best_lag_correlation,
        min(series_periods) as series_periods
    from correlations
    group by metric_name
),

evidence as (
    select
        definitions.*,
        {{ gate['attribution_window_days'] }} as attribution_window_days,
        case definitions.entity_type
            {%- for entity, share in gate['min_share_linked'].items() %}
            when '{{ entity }}' then {{ share }}
            {%- endfor %}
        end as min_share_linked,
        coalesce(overall.counted_entities, 0) as counted_entities,
        coalesce(overall.entities_reached, 0) as entities_reached,
        coalesce(overall.revenue_reached, 0) as revenue_reached,
        overall.entities_reached * 1.0 / nullif(overall.counted_entities, 0) as share_linked,
        bases.bottom_line_basis,
        -- The bottom line's share: for a rate or a time, the entities it counts as success (the
        -- better side); for a count, every counted entity; for a contrast, the entities it does
        -- not count.
        case bases.bottom_line_basis
            when 'counted' then overall.entities_reached * 1.0 / nullif(overall.counted_entities, 0)
            -- every entity has the same value (no better side): all of them
            when 'better_than_median' then coalesce(
                bases.better_share_linked, overall.entities_reached * 1.0 / nullif(overall.counted_entities, 0)
            )
            when 'contrast' then bases.better_share_linked
            when 'campaign_return' then overall.entities_reached * 1.0 / nullif(overall.counted_entities, 0)
        end as bottom_line_share_linked,
        campaign_return.campaigns,
        campaign_return.campaign_cost,
        campaign_return.campaign_attributed_revenue,
        campaign_return.campaign_return_model,
        campaign_return.campaign_return,
        follow_on_lift.follow_on_share,
        follow_on_lift.comparable_follow_on_share,
        case
            when follow_on_lift.follow_on_share > 0 and follow_on_lift.comparable_follow_on_share = 0 then 100.0
            when follow_on_lift.comparable_follow_on_share > 0
                then least(follow_on_lift.follow_on_share / follow_on_lift.comparable_follow_on_share, 100.0)
        end as buyer_follow_on_lift,
        coalesce(period_summary.periods, 0) as periods,
        coalesce(period_summary.periods_linked, 0) as periods_linked,
        coalesce(period_summary.periods_judged, 0) as periods_judged,
        -- null when no month could show the link missing (nothing contradicts it)
        period_summary.periods_linked * 1.0 / nullif(period_summary.periods_judged, 0) as share_of_periods_linked,
        bases.lift_basis,
        bases.better_share_linked,
        bases.rest_share_linked,
        overall.buyer_act_share,
        case
            when bases.better_share_linked > 0 and bases.rest_share_linked = 0 then 100.0
            when bases.rest_share_linked > 0 then least(bases.better_share_linked / bases.rest_share_linked, 100.0)
        end as buyer_response_lift,
        best_lag.best_lag_months,
        best_lag.best_lag_correlation,
        coalesce(best_lag.series_periods, 0) as series_periods
    from definitions
    left join overall on overall.metric_name = definitions.metric_name
    left join period_summary on period_summary.metric_name = definitions.metric_name
    left join bases on bases.metric_name = definitions.metric_name
    left join best_lag on best_lag.metric_name = definitions.metric_name
    left join campaign_return on campaign_return.metric_name = definitions.metric_name
    left join follow_on_lift on follow_on_lift.metric_name = definitions.metric_name
),

final as (
    select
        *,
        -- The buyers' question: the metric counts what buyers did; or, for a metric of our own
        -- behaviour, it measures how we answer what buyers did (most counted entities began with
        -- a buyer's act: a form, a ticket), or buyers measurably respond to it (lift).
        coalesce(
            declared_subject = 'buyers'
            or (declared_subject = 'us' and buyer_act_share >= {{ gate['min_buyer_act_share'] }})
            or (declared_subject = 'us' and buyer_response_lift >= {{ gate['min_buyer_response_lift'] }})
            or (declared_subject = 'us' and buyer_follow_on_lift >= {{ gate['min_buyer_follow_on_lift'] }}),
            false
        ) as answers_to_buyers,
        case
            when is_revenue_metric then null
            when entity_type = 'unmapped'
                then 'the gate''s mapping (macros/gate/gate_metric_entities.sql) does not say which entities it counts'
            when entity_type = 'none' and series_periods < {{ gate['min_periods'] }}
                then 'only ' || series_periods || ' complete months of the series beside bookings (need {{ gate['min_periods'] }})'
            when entity_type = 'none' and best_lag_correlation is null
                then 'the series does not vary, so no correlation with bookings can be computed'
            when entity_type <> 'none' and counted_entities = 0
                then 'no counted entities whose ' || attribution_window_days || '-day window has passed'
            when entity_type <> 'none' and periods < {{ gate['min_periods'] }}
                then 'only ' || periods || ' matured months with counted entities (need {{ gate['min_periods'] }})'
        end as evidence_error
    from evidence
)

select * from final
