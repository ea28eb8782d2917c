-- Deals in their latest state, with the resolved account and primary person.

with

deals as (

    select * from {{ ref('stg_crm__deals') }}

),

stage_changes as (

    select * from {{ ref('deal_stage_changes') }}

),

account_map as (

    select * from {{ ref('int_identity__account_map') }}

),

person_keys as (

    select * from {{ ref('int_person_keys_resolved') }}

),

crm_account_ids as (

    select
        record_key as crm_account_id,
        account_id
    from account_map
    where record_type = 'crm_account'

),

-- Fallback when the deal's CRM account is not (yet) in the extract: the account identity gives
-- the deal's record (through its primary contact, else its company).
deal_record_accounts as (

    select
        record_key as deal_id,
        account_id
    from account_map
    where record_type = 'deal_contact'

),

stage_counts as (

    select
        deal_id,
        count(*) as stage_change_count
    from stage_changes
    group by deal_id

),

final as (

    select
        deals.deal_id,
        deals.deal_name,
        deals.deal_type,
        deals.deal_stage,
        deals.amount,
        deals.lead_source,
        deals.campaign_id,
        deals.lost_reason,
        deals.owner_rep_id,
        deals.crm_account_id,
        deals.primary_crm_contact_id,
        person_keys.person_id,
        deals.created_at,
        deals.closed_at,
        deals.expected_close_date,
        deals.updated_at,
        coalesce(crm_account_ids.account_id, deal_record_accounts.account_id) as account_id,
        deals.deal_stage in ('closed_won', 'closed_lost') as is_closed,
        deals.deal_stage = 'closed_won' as is_won,
        deals.deal_stage = 'closed_lost' as is_lost,
        coalesce(stage_counts.stage_change_count, 0) as stage_change_count
    from deals
    left join crm_account_ids
        on deals.crm_account_id = crm_account_ids.crm_account_id
    left join deal_record_accounts
        on deals.deal_id = deal_record_accounts.deal_id
    left join person_keys
        on
            deals.primary_crm_contact_id is not null
            and {{ dbt.concat(["'deal_contact:'", 'deals.deal_id']) }} = person_keys.person_key
    left join stage_counts
        on deals.deal_id = stage_counts.deal_id

)

select * from final
