-- Ledger costs by month, category, campaign and team (latest booking of every ledger entry).

with

costs as (

    select * from {{ ref('stg_ledger__costs') }}

),

costs_with_month as (

    select
        *,
        cast({{ dbt.date_trunc('month', 'cost_date') }} as date) as cost_month
    from costs

),

by_month as (

    select
        cost_month,
        cost_category,
        campaign_id,
        team,
        count(*) as ledger_entry_count,
        sum(amount) as amount
    from costs_with_month
    group by
        cost_month,
        cost_category,
        campaign_id,
        team

),

final as (

    select
        {{ surrogate_key(['cost_month', 'cost_category', 'campaign_id', 'team']) }} as cost_id,
        cost_month,
        cost_category,
        campaign_id,
        team,
        ledger_entry_count,
        cast(amount as decimal(18, 2)) as amount
    from by_month

)

select * from final
