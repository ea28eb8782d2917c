{#-
    What "reaching revenue" means, once for every entity: a closed-won deal (its amount, at its
    close) or a paid invoice (its pre-tax subtotal, at its issue). Deals carry the primary person
    and the account; invoices the account and subscription.
-#}
{{ config(materialized='table', schema='gate') }}

with

deals as (
    select * from {{ ref('deals') }}
),

invoices as (
    select * from {{ ref('invoices') }}
),

won_deals as (
    select
        'deal:' || deal_id as revenue_event_id,
        'won_deal' as revenue_event_type,
        deal_id,
        person_id,
        account_id,
        cast(null as {{ dbt.type_string() }}) as subscription_id,
        created_at as started_at,
        closed_at as reached_at,
        cast(amount as double) as amount
    from deals
    where is_won and closed_at is not null
),

paid_invoices as (
    select
        'invoice:' || invoice_id as revenue_event_id,
        'paid_invoice' as revenue_event_type,
        cast(null as {{ dbt.type_string() }}) as deal_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        account_id,
        subscription_id,
        issued_at as started_at,
        issued_at as reached_at,
        cast(subtotal as double) as amount
    from invoices
    where is_paid and issued_at is not null
),

final as (
    select * from won_deals
    union all
    select * from paid_invoices
)

select * from final
