with

-- Immutable extract: the loader appends each key once, so there are no versions to reduce.
source as (

    select * from {{ source('helpdesk', 'ticket_comments') }}

),

renamed as (

    select

        ---------- ids
        comment_id as ticket_comment_id,
        ticket_id,
        author_id as author_user_id,

        ---------- strings
        author_role,

        ---------- numerics
        body_chars as body_length_chars,

        ---------- booleans
        is_public,

        ---------- timestamps
        created_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from source

)

select * from renamed
