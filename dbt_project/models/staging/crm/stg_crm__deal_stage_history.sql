with

source as (

    select * from {{ source('crm', 'deal_stage_history') }}

),

latest as (

    {{ latest_version('source', 'stage_change_id') }}

),

renamed as (

    select

        ---------- ids
        stage_change_id as deal_stage_change_id,
        deal_id,
        changed_by_rep_id,

        ---------- strings
        from_stage,
        to_stage,

        ---------- timestamps
        changed_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from latest

)

select * from renamed
