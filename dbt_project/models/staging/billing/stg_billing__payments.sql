with

-- Immutable extract: the loader appends each key once, so there are no versions to reduce.
source as (

    select * from {{ source('billing', 'payments') }}

),

renamed as (

    select

        ---------- ids
        payment_id,
        invoice_id,
        customer_id as billing_customer_id,

        ---------- strings
        currency,
        method as payment_method,
        status as payment_status,

        ---------- numerics
        amount,

        ---------- timestamps
        attempted_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from source

)

select * from renamed
