-- MRR retention by cohort (the month a subscription first had MRR) and month: how much of what a
-- cohort started with it still brings in. Net retention counts expansion (can exceed 1); gross
-- retention caps every subscription at its starting MRR (never exceeds 1).

with

mrr_movements as (

    select * from {{ ref('mrr_movements') }}
    where cohort_month is not null

),

cohort_starts as (

    select
        subscription_id,
        ending_mrr as cohort_starting_mrr
    from mrr_movements
    where mrr_month = cohort_month

),

cohort_months as (

    select
        mrr_movements.cohort_month,
        mrr_movements.mrr_month,
        count(*) as cohort_subscription_count,
        sum(case when mrr_movements.ending_mrr > 0 then 1 else 0 end)
            as retained_subscription_count,
        sum(cohort_starts.cohort_starting_mrr) as cohort_starting_mrr,
        sum(mrr_movements.ending_mrr) as ending_mrr,
        sum(
            case
                when mrr_movements.ending_mrr < cohort_starts.cohort_starting_mrr
                    then mrr_movements.ending_mrr
                else cohort_starts.cohort_starting_mrr
            end
        ) as capped_ending_mrr
    from mrr_movements
    inner join cohort_starts
        on mrr_movements.subscription_id = cohort_starts.subscription_id
    where mrr_movements.mrr_month >= mrr_movements.cohort_month
    group by mrr_movements.cohort_month, mrr_movements.mrr_month

),

final as (

    select
        cast({{ surrogate_key(['cohort_month', 'mrr_month']) }} as {{ dbt.type_string() }})
            as mrr_cohort_month_id,
        cast(cohort_month as date) as cohort_month,
        cast(mrr_month as date) as mrr_month,
        cast(
            {{ dbt.datediff('cohort_month', 'mrr_month', 'month') }} as integer  -- noqa: LT05
        ) as months_since_cohort,
        cast(cohort_subscription_count as integer) as cohort_subscription_count,
        cast(retained_subscription_count as integer) as retained_subscription_count,
        cast(cohort_starting_mrr as decimal(18, 2)) as cohort_starting_mrr,
        cast(ending_mrr as decimal(18, 2)) as ending_mrr,
        cast(ending_mrr / nullif(cohort_starting_mrr, 0) as decimal(18, 4))
            as net_revenue_retention,
        cast(capped_ending_mrr / nullif(cohort_starting_mrr, 0) as decimal(18, 4))
            as gross_revenue_retention
    from cohort_months

)

select * from final
