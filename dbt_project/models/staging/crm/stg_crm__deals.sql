with

source as (

    select * from {{ source('crm', 'deals') }}

),

latest as (

    {{ latest_version('source', 'deal_id', 'updated_at') }}

),

renamed as (

    select

        ---------- ids
        deal_id,
        account_id as crm_account_id,
        primary_contact_id as primary_crm_contact_id,
        owner_rep_id,
        campaign_id,

        ---------- strings
        deal_name,
        deal_type,
        stage as deal_stage,
        lead_source,
        lost_reason,

        ---------- numerics
        amount,

        ---------- dates
        expected_close_date,

        ---------- timestamps
        created_at,
        closed_at,
        updated_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from latest

)

select * from renamed
