-- One row per lead: captured -> MQL -> first sales touch (follow-up) -> opportunity -> won.

with

contacts as (

    select * from {{ ref('contacts') }}

),

followed_up as (

    select * from {{ ref('int_leads_followed_up') }}

),

deals as (

    select * from {{ ref('deals') }}

),

accounts as (

    select * from {{ ref('accounts') }}

),

leads as (

    select * from contacts
    where is_lead

),

-- Deals opened with the person as primary contact, created at or after the capture.
person_deals as (

    select
        deals.person_id,
        deals.deal_id,
        deals.created_at,
        deals.closed_at,
        deals.is_won,
        deals.amount,
        row_number() over (
            partition by deals.person_id
            order by deals.created_at, deals.deal_id
        ) as deal_rank
    from deals
    inner join leads
        on
            deals.person_id = leads.person_id
            and deals.created_at >= leads.captured_at

),

deal_summary as (

    select
        person_id,
        min(created_at) as opportunity_at,
        min(case when deal_rank = 1 then deal_id end) as first_deal_id,
        min(case when is_won then closed_at end) as won_at,
        sum(case when is_won then amount else 0 end) as won_amount,
        count(*) as deal_count
    from person_deals
    group by person_id

),

final as (

    select
        leads.person_id,
        leads.account_id,
        leads.captured_at,
        leads.capture_record_type,
        leads.capture_channel,
        leads.capture_campaign_id,
        leads.is_marketing_captured,
        leads.mql_at,
        leads.mql_at is not null as is_mql,
        followed_up.first_sales_touch_at,
        followed_up.first_sales_activity_id,
        followed_up.first_sales_touch_rep_id,
        followed_up.hours_to_first_sales_touch,
        coalesce(followed_up.is_followed_up, false) as is_followed_up,
        cast(coalesce(followed_up.sales_touches_after_capture, 0) as {{ dbt.type_bigint() }})
            as sales_touches_after_capture,
        deal_summary.opportunity_at,
        deal_summary.first_deal_id,
        deal_summary.opportunity_at is not null as is_opportunity,
        deal_summary.won_at,
        deal_summary.won_at is not null as is_won,
        cast(coalesce(deal_summary.won_amount, 0) as decimal(18, 2)) as won_amount,
        cast(coalesce(deal_summary.deal_count, 0) as {{ dbt.type_bigint() }}) as deal_count,
        coalesce(leads.owner_rep_id, accounts.owner_rep_id) as owner_rep_id,
        case
            when leads.owner_rep_id is not null then 'contact_owner'
            when accounts.owner_rep_id is not null then 'account_owner'
            else 'unassigned'
        end as owner_rep_source
    from leads
    left join followed_up
        on leads.person_id = followed_up.person_id
    left join deal_summary
        on leads.person_id = deal_summary.person_id
    left join accounts
        on leads.account_id = accounts.account_id

)

select * from final
