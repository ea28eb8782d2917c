-- Company MRR by month with its movements and retention (DECISIONLOG.md, "Finance").
-- Net revenue retention (month) = (starting + expansion + contraction + churn) / starting;
-- gross revenue retention (month) = (starting + contraction + churn) / starting. New and
-- reactivated MRR are not retention: they did not exist at the start of the month.

with

mrr_movements as (

    select * from {{ ref('mrr_movements') }}

),

monthly as (

    select
        mrr_month,
        sum(starting_mrr) as starting_mrr,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(ending_mrr) as ending_mrr,
        sum(case when ending_mrr > 0 then 1 else 0 end) as active_subscription_count,
        sum(case when new_mrr > 0 then 1 else 0 end) as new_subscription_count,
        sum(case when churned_mrr < 0 then 1 else 0 end) as churned_subscription_count
    from mrr_movements
    group by mrr_month

),

final as (

    select
        cast(mrr_month as date) as mrr_month,
        cast(starting_mrr as decimal(18, 2)) as starting_mrr,
        cast(new_mrr as decimal(18, 2)) as new_mrr,
        cast(expansion_mrr as decimal(18, 2)) as expansion_mrr,
        cast(contraction_mrr as decimal(18, 2)) as contraction_mrr,
        cast(churned_mrr as decimal(18, 2)) as churned_mrr,
        cast(reactivation_mrr as decimal(18, 2)) as reactivation_mrr,
        cast(ending_mrr as decimal(18, 2)) as ending_mrr,
        cast(
            new_mrr + expansion_mrr + contraction_mrr + churned_mrr + reactivation_mrr
            as decimal(18, 2)
        ) as net_new_mrr,
        cast(active_subscription_count as integer) as active_subscription_count,
        cast(new_subscription_count as integer) as new_subscription_count,
        cast(churned_subscription_count as integer) as churned_subscription_count,
        cast(
            (starting_mrr + expansion_mrr + contraction_mrr + churned_mrr) / nullif(starting_mrr, 0)
            as decimal(18, 4)
        ) as net_revenue_retention,
        cast(
            (starting_mrr + contraction_mrr + churned_mrr) / nullif(starting_mrr, 0)
            as decimal(18, 4)
        ) as gross_revenue_retention
    from monthly

)

select * from final
