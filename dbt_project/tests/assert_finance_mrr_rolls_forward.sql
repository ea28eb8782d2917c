-- MRR roll-forward: per subscription and month, starting + movements = ending; ending of a month
-- is the starting of the next; a subscription's first month starts at 0; the company mart
-- holds the same totals; the last month's ending MRR is the subscriptions' current MRR.
-- Several models feed this test: Dagster shows it as a check of the one it asserts on.
{{ config(meta={'dagster': {'ref': {'name': 'mrr'}}}) }}
with

movements as (

    select
        *,
        lag(ending_mrr)
            over (partition by subscription_id order by mrr_month)
            as previous_ending_mrr,
        lag(mrr_month) over (partition by subscription_id order by mrr_month) as previous_month
    from {{ ref('mrr_movements') }}

),

subscription_breaks as (

    select
        subscription_id,
        mrr_month,
        case
            when starting_mrr + new_mrr + expansion_mrr + contraction_mrr + churned_mrr
                + reactivation_mrr != ending_mrr then 'movements do not sum to ending'
            when previous_month is null and starting_mrr != 0 then 'first month does not start at 0'
            when previous_month is not null and starting_mrr != previous_ending_mrr
                then 'starting is not the previous ending'
            when previous_month is not null
                and previous_month != {{ dbt.dateadd('month', -1, 'mrr_month') }}
                then 'month missing from the spine'
        end as problem
    from movements

),

summed_by_month as (

    select
        mrr_month,
        sum(ending_mrr) as ending_mrr,
        sum(starting_mrr) as starting_mrr
    from {{ ref('mrr_movements') }}
    group by mrr_month

),

company_breaks as (

    select
        'company' as subscription_id,
        mrr.mrr_month,
        'company mart differs from subscriptions' as problem
    from {{ ref('mrr') }} as mrr
    inner join summed_by_month
        on mrr.mrr_month = summed_by_month.mrr_month
    where
        mrr.ending_mrr != summed_by_month.ending_mrr
        or mrr.starting_mrr != summed_by_month.starting_mrr
        or mrr.starting_mrr + mrr.net_new_mrr != mrr.ending_mrr

),

last_month as (

    select max(mrr_month) as mrr_month from movements

),

latest as (

    select movements.*
    from movements
    inner join last_month
        on movements.mrr_month = last_month.mrr_month

),

current_breaks as (

    select
        subscriptions.subscription_id,
        latest.mrr_month,
        'last month ending is not current MRR' as problem
    from {{ ref('subscriptions') }} as subscriptions
    inner join latest
        on subscriptions.subscription_id = latest.subscription_id
    where subscriptions.current_mrr != latest.ending_mrr

)

select * from subscription_breaks
where problem is not null
union all
select * from company_breaks
union all
select * from current_breaks
