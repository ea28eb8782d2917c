with

source as (

    select * from {{ source('helpdesk', 'satisfaction_ratings') }}

),

latest as (

    {{ latest_version('source', 'rating_id', 'updated_at') }}

),

renamed as (

    select

        ---------- ids
        rating_id as satisfaction_rating_id,
        ticket_id,

        ---------- strings
        score as rating_score,

        ---------- numerics
        comment_length as comment_length_chars,

        ---------- timestamps
        created_at as survey_sent_at,
        updated_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from latest

)

select * from renamed
