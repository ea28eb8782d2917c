with

-- Immutable extract: the loader appends each key once, so there are no versions to reduce.
source as (

    select * from {{ source('billing', 'invoice_lines') }}

),

renamed as (

    select

        ---------- ids
        invoice_line_id,
        invoice_id,
        subscription_id,

        ---------- strings
        line_type,
        description as line_description,

        ---------- numerics
        quantity,
        unit_amount,
        amount,

        ---------- dates
        period_start as period_start_date,
        period_end as period_end_date,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from source

)

select * from renamed
