with

source as (

    select * from {{ source('ledger', 'costs') }}

),

latest as (

    {{ latest_version('source', 'cost_id', 'booked_at') }}

),

renamed as (

    select

        ---------- ids
        cost_id,
        campaign_id,

        ---------- strings
        category as cost_category,
        team,
        vendor,

        ---------- numerics
        amount,

        ---------- dates
        cost_date,

        ---------- timestamps
        booked_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from latest

)

select * from renamed
