with

source as (

    select * from {{ source('crm', 'teams') }}

),

latest as (

    {{ latest_version('source', 'team_id', 'updated_at') }}

),

renamed as (

    select

        ---------- ids
        team_id,

        ---------- strings
        team_name,
        segment as team_segment,
        region as team_region,

        ---------- timestamps
        updated_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from latest

)

select * from renamed
