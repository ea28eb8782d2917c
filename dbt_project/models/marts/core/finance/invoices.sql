-- One row per invoice in its latest state, with the billing customer resolved to an account and
-- what was collected and refunded against it.

with

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

invoice_lines as (

    select * from {{ ref('stg_billing__invoice_lines') }}

),

payments as (

    select * from {{ ref('stg_billing__payments') }}

),

refunds as (

    select * from {{ ref('stg_billing__refunds') }}

),

account_map as (

    select * from {{ ref('int_identity__account_map') }}
    where record_type = 'billing_customer'

),

line_totals as (

    select
        invoice_id,
        count(*) as line_count,
        sum(amount) as line_amount_total
    from invoice_lines
    group by invoice_id

),

collected as (

    select
        invoice_id,
        sum(amount) as amount_paid
    from payments
    where payment_status = 'succeeded'
    group by invoice_id

),

refunded as (

    select
        payments.invoice_id,
        sum(refunds.amount) as amount_refunded
    from refunds
    inner join payments
        on refunds.payment_id = payments.payment_id
    group by payments.invoice_id

),

final as (

    select
        invoices.invoice_id,
        invoices.invoice_number,
        invoices.billing_customer_id,
        account_map.account_id,
        account_map.crm_account_id,
        account_map.account_match_rule,
        invoices.subscription_id,
        invoices.invoice_status,
        invoices.currency,
        invoices.subtotal,
        invoices.tax,
        invoices.total,
        coalesce(line_totals.line_count, 0) as line_count,
        cast(coalesce(line_totals.line_amount_total, 0) as decimal(18, 2)) as line_amount_total,
        cast(coalesce(collected.amount_paid, 0) as decimal(18, 2)) as amount_paid,
        cast(coalesce(refunded.amount_refunded, 0) as decimal(18, 2)) as amount_refunded,
        invoices.period_start_date,
        invoices.period_end_date,
        invoices.issued_at,
        cast({{ dbt.date_trunc('month', 'invoices.issued_at') }} as date) as issued_month,
        invoices.due_at,
        invoices.invoice_status = 'paid' as is_paid,
        invoices.updated_at,
        invoices._loaded_at
    from invoices
    left join line_totals
        on invoices.invoice_id = line_totals.invoice_id
    left join collected
        on invoices.invoice_id = collected.invoice_id
    left join refunded
        on invoices.invoice_id = refunded.invoice_id
    left join account_map
        on invoices.billing_customer_id = account_map.record_key

)

select * from final
