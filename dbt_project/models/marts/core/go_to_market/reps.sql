with

reps as (

    select * from {{ ref('stg_crm__reps') }}

),

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

final as (

    select
        reps.rep_id,
        reps.rep_name,
        reps.email_normalized as rep_email,
        reps.rep_role,
        reps.team_id,
        teams.team_name,
        teams.team_segment,
        teams.team_region,
        reps.manager_rep_id,
        reps.hired_date,
        reps.is_active
    from reps
    left join teams
        on reps.team_id = teams.team_id

)

select * from final
