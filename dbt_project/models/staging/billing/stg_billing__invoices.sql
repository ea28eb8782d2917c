with

source as (

    select * from {{ source('billing', 'invoices') }}

),

latest as (

    {{ latest_version('source', 'invoice_id', 'updated_at') }}

),

renamed as (

    select

        ---------- ids
        invoice_id,
        customer_id as billing_customer_id,
        subscription_id,

        ---------- strings
        invoice_number,
        status as invoice_status,
        currency,

        ---------- numerics
        subtotal,
        tax,
        total,

        ---------- dates
        period_start as period_start_date,
        period_end as period_end_date,

        ---------- timestamps
        issued_at,
        due_at,
        updated_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from latest

)

select * from renamed
