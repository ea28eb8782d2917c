-- Every stage change of every deal, with how long the deal stayed in the stage it entered.

with

stage_history as (

    select * from {{ ref('stg_crm__deal_stage_history') }}

),

sequenced as (

    select
        *,
        row_number() over (
            partition by deal_id
            order by changed_at, deal_stage_change_id
        ) as stage_sequence,
        lead(changed_at) over (
            partition by deal_id
            order by changed_at, deal_stage_change_id
        ) as left_stage_at
    from stage_history

),

final as (

    select
        deal_stage_change_id,
        deal_id,
        stage_sequence,
        from_stage,
        to_stage,
        to_stage in ('closed_won', 'closed_lost') as is_closing_change,
        changed_by_rep_id,
        changed_at,
        left_stage_at,
        left_stage_at is null as is_current_stage,
        -- Time in the stage entered here; null for the stage the deal is in now (still running).
        {{ double_division(
            dbt.datediff('changed_at', 'left_stage_at', 'second'), '3600.0'
        ) }} as hours_in_stage
    from sequenced

)

select * from final
