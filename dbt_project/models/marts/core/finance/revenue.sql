-- Recognised revenue by billing customer (resolved to an account), month and kind
-- (DECISIONLOG.md, "Finance"): invoice lines of invoices that are not void, spread by day over
-- their service period; refunds negative, by their pre-tax share, in the month they were paid out.

with

line_revenue as (

    select * from {{ ref('int_finance__invoice_line_revenue') }}

),

refunds as (

    select * from {{ ref('refunds') }}

),

account_map as (

    select * from {{ ref('int_identity__account_map') }}
    where record_type = 'billing_customer'

),

revenue_events as (

    select
        billing_customer_id,
        revenue_month,
        line_type as revenue_type,
        recognised_amount
    from line_revenue

    union all

    select
        billing_customer_id,
        refunded_month as revenue_month,
        'refund' as revenue_type,
        -revenue_amount as recognised_amount
    from refunds

),

by_customer_month as (

    select
        billing_customer_id,
        revenue_month,
        revenue_type,
        count(*) as source_row_count,
        sum(recognised_amount) as recognised_amount
    from revenue_events
    group by billing_customer_id, revenue_month, revenue_type

),

final as (

    select
        {{ surrogate_key([
            'by_customer_month.billing_customer_id',
            'by_customer_month.revenue_month',
            'by_customer_month.revenue_type',
        ]) }} as revenue_id,
        account_map.account_id,
        account_map.crm_account_id,
        by_customer_month.billing_customer_id,
        by_customer_month.revenue_month,
        by_customer_month.revenue_type,
        by_customer_month.revenue_type = 'refund' as is_refund,
        by_customer_month.source_row_count,
        cast(by_customer_month.recognised_amount as decimal(18, 2)) as recognised_amount
    from by_customer_month
    left join account_map
        on by_customer_month.billing_customer_id = account_map.record_key

)

select * from final
