-- One row per refund, with the refunded payment's invoice and payer resolved to an account, and
-- the share of the refund that reverses revenue (refunds repay tax too; revenue excludes tax).

with

refunds as (

    select * from {{ ref('stg_billing__refunds') }}

),

payments as (

    select * from {{ ref('stg_billing__payments') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

account_map as (

    select * from {{ ref('int_identity__account_map') }}
    where record_type = 'billing_customer'

),

final as (

    select
        refunds.refund_id,
        refunds.payment_id,
        payments.invoice_id,
        payments.billing_customer_id,
        account_map.account_id,
        account_map.crm_account_id,
        account_map.account_match_rule,
        refunds.refund_reason,
        refunds.amount,
        cast(
            case
                when invoices.total is null or invoices.total = 0 then refunds.amount
                else {{ round_double(
                    double_division('refunds.amount * invoices.subtotal', 'invoices.total'), 2
                ) }}
            end as decimal(18, 2)
        ) as revenue_amount,
        refunds.refunded_at,
        cast({{ dbt.date_trunc('month', 'refunds.refunded_at') }} as date) as refunded_month,
        refunds._loaded_at
    from refunds
    left join payments
        on refunds.payment_id = payments.payment_id
    left join invoices
        on payments.invoice_id = invoices.invoice_id
    left join account_map
        on payments.billing_customer_id = account_map.record_key

)

select * from final
