-- One row per rep per calendar month in which the rep had any lead, deal or activity.

with

reps as (

    select * from {{ ref('reps') }}

),

leads as (

    select
        *,
        case
            when is_marketing_captured then hours_to_first_sales_touch
        end as speed_to_lead_hours
    from {{ ref('lead_funnel') }}

),

pipeline as (

    select * from {{ ref('pipeline') }}

),

touches as (

    select * from {{ ref('touches') }}

),

-- Leads are counted in the month they were captured, for the rep who owns them.
lead_months as (

    select
        owner_rep_id as rep_id,
        {{ dbt.date_trunc('month', 'captured_at') }} as activity_month,
        count(*) as leads_assigned,
        sum(case when is_followed_up then 1 else 0 end) as leads_followed_up,
        -- Speed to lead over the leads that came in (the metrics' filter): a prospect a rep
        -- sourced is captured by its first touch and would count as 0 hours.
        {{ median('speed_to_lead_hours') }} as median_speed_to_lead_hours,
        -- Averaged over whole seconds: an integer sum does not depend on row order, so an
        -- incremental and a full build give the same value to the last bit.
        sum(
            cast(round(speed_to_lead_hours * 3600) as {{ dbt.type_bigint() }})
        ) / count(speed_to_lead_hours) / 3600.0 as avg_speed_to_lead_hours
    from leads
    where owner_rep_id is not null
    group by owner_rep_id, {{ dbt.date_trunc('month', 'captured_at') }}

),

created_months as (

    select
        owner_rep_id as rep_id,
        created_month as activity_month,
        count(*) as deals_created,
        sum(amount) as pipeline_created_amount
    from pipeline
    group by owner_rep_id, created_month

),

closed_months as (

    select
        owner_rep_id as rep_id,
        closed_month as activity_month,
        sum(case when is_won then 1 else 0 end) as deals_won,
        sum(case when is_lost then 1 else 0 end) as deals_lost,
        sum(bookings_amount) as bookings_amount
    from pipeline
    where is_closed
    group by owner_rep_id, closed_month

),

activity_months as (

    select
        rep_id,
        {{ dbt.date_trunc('month', 'occurred_at') }} as activity_month,
        count(*) as activities_logged,
        sum(case when initiated_by = 'us' then 1 else 0 end) as outbound_activities_logged
    from touches
    where is_sales_touch
    group by rep_id, {{ dbt.date_trunc('month', 'occurred_at') }}

),

rep_months as (

    select
        rep_id,
        activity_month
    from lead_months
    union
    select
        rep_id,
        activity_month
    from created_months
    union
    select
        rep_id,
        activity_month
    from closed_months
    union
    select
        rep_id,
        activity_month
    from activity_months

),

final as (

    select
        {{ surrogate_key(['rep_months.rep_id', 'rep_months.activity_month']) }} as rep_month_id,
        rep_months.rep_id,
        cast(rep_months.activity_month as date) as activity_month,
        reps.rep_name,
        reps.rep_role,
        reps.team_id,
        reps.team_name,
        cast(coalesce(lead_months.leads_assigned, 0) as {{ dbt.type_bigint() }}) as leads_assigned,
        cast(coalesce(lead_months.leads_followed_up, 0) as {{ dbt.type_bigint() }})
            as leads_followed_up,
        {{ double_division(
            'lead_months.leads_followed_up * 1.0', 'nullif(lead_months.leads_assigned, 0)'
        ) }} as follow_up_rate,
        cast(lead_months.median_speed_to_lead_hours as double) as median_speed_to_lead_hours,
        lead_months.avg_speed_to_lead_hours,
        cast(coalesce(created_months.deals_created, 0) as {{ dbt.type_bigint() }}) as deals_created,
        cast(coalesce(created_months.pipeline_created_amount, 0) as decimal(18, 2))
            as pipeline_created_amount,
        cast(coalesce(closed_months.deals_won, 0) as {{ dbt.type_bigint() }}) as deals_won,
        cast(coalesce(closed_months.deals_lost, 0) as {{ dbt.type_bigint() }}) as deals_lost,
        cast(coalesce(closed_months.bookings_amount, 0) as decimal(18, 2)) as bookings_amount,
        {{ double_division(
            'closed_months.deals_won * 1.0',
            'nullif(closed_months.deals_won + closed_months.deals_lost, 0)'
        ) }} as win_rate,
        cast(coalesce(activity_months.activities_logged, 0) as {{ dbt.type_bigint() }})
            as activities_logged,
        cast(coalesce(activity_months.outbound_activities_logged, 0) as {{ dbt.type_bigint() }})
            as outbound_activities_logged
    from rep_months
    left join reps
        on rep_months.rep_id = reps.rep_id
    left join lead_months
        on
            rep_months.rep_id = lead_months.rep_id
            and rep_months.activity_month = lead_months.activity_month
    left join created_months
        on
            rep_months.rep_id = created_months.rep_id
            and rep_months.activity_month = created_months.activity_month
    left join closed_months
        on
            rep_months.rep_id = closed_months.rep_id
            and rep_months.activity_month = closed_months.activity_month
    left join activity_months
        on
            rep_months.rep_id = activity_months.rep_id
            and rep_months.activity_month = activity_months.activity_month

)

select * from final
