with

-- Immutable extract: the loader appends each key once, so there are no versions to reduce.
source as (

    select * from {{ source('crm', 'deal_stage_history') }}

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

    from source

)

select * from renamed
