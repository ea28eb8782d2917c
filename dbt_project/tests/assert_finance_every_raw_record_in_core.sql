-- Every payment, refund and invoice that entered raw is accounted for in the shared core.
-- Several models feed this test: Dagster shows it as a check of the one it asserts on.
{{ config(meta={'dagster': {'ref': {'name': 'invoices'}}}) }}
with

raw_payments as (

    select distinct payment_id as record_id from {{ source('billing', 'payments') }}

),

raw_refunds as (

    select distinct refund_id as record_id from {{ source('billing', 'refunds') }}

),

raw_invoices as (

    select distinct invoice_id as record_id from {{ source('billing', 'invoices') }}

)

select
    'payment' as missing,
    raw_payments.record_id
from raw_payments
left join {{ ref('payments') }} as payments
    on raw_payments.record_id = payments.payment_id
where payments.payment_id is null

union all

select
    'refund' as missing,
    raw_refunds.record_id
from raw_refunds
left join {{ ref('refunds') }} as refunds
    on raw_refunds.record_id = refunds.refund_id
where refunds.refund_id is null

union all

select
    'invoice' as missing,
    raw_invoices.record_id
from raw_invoices
left join {{ ref('invoices') }} as invoices
    on raw_invoices.record_id = invoices.invoice_id
where invoices.invoice_id is null
