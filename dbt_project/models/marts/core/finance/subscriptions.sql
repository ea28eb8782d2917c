-- One row per subscription in its latest state, with the billing customer resolved to an account
-- and the history summarised from its versions.

with

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

versions as (

    select * from {{ ref('stg_billing__subscription_versions') }}

),

account_map as (

    select * from {{ ref('int_identity__account_map') }}
    where record_type = 'billing_customer'

),

version_history as (

    select
        subscription_id,
        count(*) as version_count,
        min(valid_from) as first_version_at,
        max(case when subscription_status in ('active', 'past_due') then mrr end) as peak_mrr
    from versions
    group by subscription_id

),

final as (

    select
        subscriptions.subscription_id,
        subscriptions.billing_customer_id,
        account_map.account_id,
        account_map.crm_account_id,
        account_map.account_match_rule,
        subscriptions.plan,
        subscriptions.seats,
        subscriptions.subscription_status,
        subscriptions.mrr,
        cast(
            case
                when
                    subscriptions.subscription_status in ('active', 'past_due')
                    then subscriptions.mrr
                else 0
            end
            as decimal(18, 2)
        ) as current_mrr,
        cast(version_history.peak_mrr as decimal(18, 2)) as peak_mrr,
        version_history.version_count,
        subscriptions.started_at,
        subscriptions.canceled_at,
        version_history.first_version_at,
        subscriptions.updated_at,
        subscriptions._loaded_at,
        subscriptions.subscription_status in ('active', 'past_due') as is_active
    from subscriptions
    left join version_history
        on subscriptions.subscription_id = version_history.subscription_id
    left join account_map
        on subscriptions.billing_customer_id = account_map.record_key

)

select * from final
