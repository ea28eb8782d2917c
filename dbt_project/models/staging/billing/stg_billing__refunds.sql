with

source as (

    select * from {{ source('billing', 'refunds') }}

),

latest as (

    {{ latest_version('source', 'refund_id') }}

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

    from latest

)

select * from renamed
