with

-- Immutable extract: the loader appends each key once, so there are no versions to reduce.
source as (

    select * from {{ source('billing', 'refunds') }}

),

renamed as (

    select

        ---------- ids
        refund_id,
        payment_id,

        ---------- strings
        reason as refund_reason,

        ---------- numerics
        amount,

        ---------- timestamps
        refunded_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from source

)

select * from renamed
