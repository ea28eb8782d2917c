-- MRR per subscription and month, from the subscription versions history (DECISIONLOG.md,
-- "Finance"): one row per subscription for every month from its first version to the data's
-- as-of month (the month of the latest version seen), so ending MRR of a month is always the next
-- month's starting MRR. MRR of a month is the MRR in force at the end of the month (the as-of
-- time in the as-of month); active and past_due count, canceled counts 0.
-- starting + new + expansion + contraction + churn + reactivation = ending
-- (contraction and churn are negative).

with

subscription_versions as (

    select * from {{ ref('stg_billing__subscription_versions') }}

),

months as (

    select * from {{ ref('int_finance__months') }}

),

account_map as (

    select * from {{ ref('int_identity__account_map') }}
    where record_type = 'billing_customer'

),

-- The history starts at the first version exported. A subscription older than the first export
-- is first seen in its state at that time: its first version is read as valid since started_at,
-- so its MRR counts as new in the month it started rather than in the month of the first export.
versions as (

    select
        subscription_id,
        billing_customer_id,
        plan,
        seats,
        subscription_status,
        mrr,
        valid_to,
        case
            when version_number = 1 and started_at < valid_from then started_at
            else valid_from
        end as valid_from
    from subscription_versions

),

as_of as (

    select max(valid_from) as as_of_at from subscription_versions

),

subscription_starts as (

    select
        subscription_id,
        min(valid_from) as first_version_at
    from versions
    group by subscription_id

),

subscription_months as (

    select
        subscription_starts.subscription_id,
        months.month_start_date,
        months.next_month_start_date
    from subscription_starts
    cross join as_of
    inner join months
        on
            subscription_starts.first_version_at < months.next_month_start_date
            and as_of.as_of_at >= months.month_start_date

),

month_end_versions as (

    select
        subscription_months.subscription_id,
        subscription_months.month_start_date,
        versions.billing_customer_id,
        versions.plan,
        versions.seats,
        versions.subscription_status,
        case
            when versions.subscription_status in ('active', 'past_due') then versions.mrr
            else 0
        end as ending_mrr
    from subscription_months
    inner join versions
        on
            subscription_months.subscription_id = versions.subscription_id
            and subscription_months.next_month_start_date > versions.valid_from
            and (
                versions.valid_to is null
                or subscription_months.next_month_start_date <= versions.valid_to
            )

),

rolled as (

    select
        *,
        coalesce(lag(ending_mrr) over (
            partition by subscription_id order by month_start_date
        ), 0) as starting_mrr,
        coalesce(sum(case when ending_mrr > 0 then 1 else 0 end) over (
            partition by subscription_id
            order by month_start_date
            rows between unbounded preceding and 1 preceding
        ), 0) > 0 as had_mrr_before,
        min(case when ending_mrr > 0 then month_start_date end) over (
            partition by subscription_id
        ) as cohort_month
    from month_end_versions

),

classified as (

    select
        *,
        case
            when starting_mrr = 0 and ending_mrr > 0 and not had_mrr_before then ending_mrr else 0
        end as new_mrr,
        case
            when
                starting_mrr > 0 and ending_mrr > starting_mrr
                then ending_mrr - starting_mrr
            else 0
        end as expansion_mrr,
        case
            when starting_mrr > 0 and ending_mrr > 0 and ending_mrr < starting_mrr
                then ending_mrr - starting_mrr
            else 0
        end as contraction_mrr,
        case when starting_mrr > 0 and ending_mrr = 0 then -starting_mrr else 0 end as churned_mrr,
        case
            when starting_mrr = 0 and ending_mrr > 0 and had_mrr_before then ending_mrr else 0
        end as reactivation_mrr
    from rolled

),

final as (

    select
        {{ surrogate_key(['classified.subscription_id', 'classified.month_start_date']) }}
            as subscription_month_id,
        classified.subscription_id,
        classified.billing_customer_id,
        account_map.account_id,
        account_map.crm_account_id,
        classified.month_start_date as mrr_month,
        classified.cohort_month,
        classified.plan,
        classified.seats,
        classified.subscription_status,
        cast(classified.starting_mrr as decimal(18, 2)) as starting_mrr,
        cast(classified.new_mrr as decimal(18, 2)) as new_mrr,
        cast(classified.expansion_mrr as decimal(18, 2)) as expansion_mrr,
        cast(classified.contraction_mrr as decimal(18, 2)) as contraction_mrr,
        cast(classified.churned_mrr as decimal(18, 2)) as churned_mrr,
        cast(classified.reactivation_mrr as decimal(18, 2)) as reactivation_mrr,
        cast(classified.ending_mrr as decimal(18, 2)) as ending_mrr,
        case
            when classified.new_mrr != 0 then 'new'
            when classified.reactivation_mrr != 0 then 'reactivation'
            when classified.expansion_mrr != 0 then 'expansion'
            when classified.contraction_mrr != 0 then 'contraction'
            when classified.churned_mrr != 0 then 'churn'
            when classified.ending_mrr > 0 then 'retained'
            else 'inactive'
        end as mrr_movement_type
    from classified
    left join account_map
        on classified.billing_customer_id = account_map.record_key

)

select * from final
