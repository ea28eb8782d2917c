-- Every campaign, events and trade shows included, with what the ledger booked against it.

with

campaigns as (

    select * from {{ ref('stg_marketing__campaigns') }}

),

costs as (

    select * from {{ ref('stg_ledger__costs') }}

),

campaign_costs as (

    select
        campaign_id,
        sum(amount) as total_cost,
        sum(case when cost_category = 'ad_spend' then amount else 0 end) as ad_spend_cost,
        sum(
            case when cost_category in ('event', 'sponsorship') then amount else 0 end
        ) as event_cost,
        sum(
            case
                when cost_category not in ('ad_spend', 'event', 'sponsorship') then amount else 0
            end
        ) as other_cost,
        count(*) as cost_entry_count
    from costs
    where campaign_id is not null
    group by campaign_id

),

final as (

    select
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.channel,
        campaigns.platform,
        campaigns.utm_campaign,
        campaigns.start_date,
        campaigns.end_date,
        campaigns.budget,
        campaigns.owner_email_normalized as owner_email,
        campaigns.channel in ('event', 'trade_show', 'webinar') as is_event,
        coalesce(campaign_costs.total_cost, 0) as total_cost,
        coalesce(campaign_costs.ad_spend_cost, 0) as ad_spend_cost,
        coalesce(campaign_costs.event_cost, 0) as event_cost,
        coalesce(campaign_costs.other_cost, 0) as other_cost,
        coalesce(campaign_costs.cost_entry_count, 0) as cost_entry_count
    from campaigns
    left join campaign_costs
        on campaigns.campaign_id = campaign_costs.campaign_id

)

select * from final
