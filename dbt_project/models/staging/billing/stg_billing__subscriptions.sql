with

source as (

    select * from {{ source('billing', 'subscriptions') }}

),

latest as (

    {{ latest_version('source', 'subscription_id', 'updated_at') }}

),

renamed as (

    select

        ---------- ids
        subscription_id,
        customer_id as billing_customer_id,

        ---------- strings
        plan,
        status as subscription_status,

        ---------- numerics
        seats,
        mrr,

        ---------- timestamps
        started_at,
        canceled_at,
        updated_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from latest

)

select * from renamed
