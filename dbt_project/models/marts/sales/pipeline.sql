-- One row per deal: stage durations, sales cycle and whether marketing sourced it.

with

deals as (

    select * from {{ ref('deals') }}

),

stage_changes as (

    select * from {{ ref('deal_stage_changes') }}

),

sourcing as (

    select * from {{ ref('int_deals_sourced_by_marketing') }}

),

campaigns as (

    select * from {{ ref('campaigns') }}

),

stage_durations as (

    select
        deal_id,
        sum(case when to_stage = 'discovery' then hours_in_stage end) / 24.0
            as discovery_days,
        sum(case when to_stage = 'qualification' then hours_in_stage end) / 24.0
            as qualification_days,
        sum(case when to_stage = 'proposal' then hours_in_stage end) / 24.0
            as proposal_days,
        sum(case when to_stage = 'negotiation' then hours_in_stage end) / 24.0
            as negotiation_days,
        max(case when is_current_stage then changed_at end) as current_stage_entered_at
    from stage_changes
    group by deal_id

),

final as (

    select
        deals.deal_id,
        deals.deal_name,
        deals.deal_type,
        deals.deal_stage,
        deals.is_closed,
        deals.is_won,
        deals.is_lost,
        deals.amount,
        cast(
            case when deals.is_won then deals.amount else 0 end as decimal(18, 2)
        ) as bookings_amount,
        deals.owner_rep_id,
        deals.account_id,
        deals.person_id,
        deals.campaign_id,
        deals.lead_source,
        deals.created_at,
        deals.closed_at,
        cast({{ dbt.date_trunc('month', 'deals.created_at') }} as date) as created_month,
        cast({{ dbt.date_trunc('month', 'deals.closed_at') }} as date) as closed_month,
        stage_durations.discovery_days,
        stage_durations.qualification_days,
        stage_durations.proposal_days,
        stage_durations.negotiation_days,
        stage_durations.current_stage_entered_at,
        {{ double_division(
            dbt.datediff('deals.created_at', 'deals.closed_at', 'second'), '86400.0'
        ) }} as sales_cycle_days,
        coalesce(sourcing.is_marketing_sourced, false) as is_marketing_sourced,
        case when sourcing.is_marketing_sourced then sourcing.person_capture_campaign_id end
            as sourcing_campaign_id,
        case when sourcing.is_marketing_sourced then campaigns.channel end as sourcing_channel,
        sourcing.person_captured_at
    from deals
    left join stage_durations
        on deals.deal_id = stage_durations.deal_id
    left join sourcing
        on deals.deal_id = sourcing.deal_id
    left join campaigns
        on sourcing.person_capture_campaign_id = campaigns.campaign_id

)

select * from final
