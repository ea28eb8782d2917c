with

source as (

    select * from {{ source('billing', 'payments') }}

),

latest as (

    {{ latest_version('source', 'payment_id') }}

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

    from latest

)

select * from renamed
