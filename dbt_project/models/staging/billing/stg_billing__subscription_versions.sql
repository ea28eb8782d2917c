with

source as (

    select * from {{ source('billing', 'subscriptions') }}

),

-- One row per version: copies of the same version delivered twice are collapsed.
versions as (

    {{ latest_version('source', ['subscription_id', 'updated_at']) }}

),

renamed as (

    select

        ---------- ids
        {{ surrogate_key(['subscription_id', 'updated_at']) }} as subscription_version_id,
        subscription_id,
        customer_id as billing_customer_id,

        ---------- strings
        plan,
        status as subscription_status,

        ---------- numerics
        seats,
        mrr,
        row_number() over (
            partition by subscription_id order by updated_at
        ) as version_number,

        ---------- booleans
        lead(updated_at) over (
            partition by subscription_id order by updated_at
        ) is null as is_current_version,

        ---------- timestamps
        started_at,
        canceled_at,
        updated_at,
        updated_at as valid_from,
        lead(updated_at) over (
            partition by subscription_id order by updated_at
        ) as valid_to,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from versions

)

select * from renamed
