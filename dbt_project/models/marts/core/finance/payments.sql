-- One row per payment attempt, failed ones included, with the payer resolved to an account.

with

payments as (

    select * from {{ ref('stg_billing__payments') }}

),

account_map as (

    select * from {{ ref('int_identity__account_map') }}
    where record_type = 'billing_customer'

),

final as (

    select
        payments.payment_id,
        payments.invoice_id,
        payments.billing_customer_id,
        account_map.account_id,
        account_map.crm_account_id,
        account_map.account_match_rule,
        payments.payment_method,
        payments.payment_status,
        payments.payment_status = 'succeeded' as is_succeeded,
        payments.currency,
        payments.amount,
        payments.attempted_at,
        cast({{ dbt.date_trunc('month', 'payments.attempted_at') }} as date) as attempted_month,
        payments._loaded_at
    from payments
    left join account_map
        on payments.billing_customer_id = account_map.record_key

)

select * from final
