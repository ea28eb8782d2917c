-- Company revenue by month, from bookings to cash (DECISIONLOG.md, "Finance"): bookings
-- (closed-won deal amounts), billings (pre-tax subtotals of invoices that are not void, by issue
-- month), recognised revenue (by service period), cash collected (succeeded payments) and
-- refunds (cash paid back, and the revenue they reverse).

with

revenue as (

    select * from {{ ref('revenue') }}

),

invoices as (

    select * from {{ ref('invoices') }}

),

payments as (

    select * from {{ ref('payments') }}

),

refunds as (

    select * from {{ ref('refunds') }}

),

deals as (

    select * from {{ ref('stg_crm__deals') }}

),

months as (

    select * from {{ ref('int_finance__months') }}

),

monthly_amounts as (

    select
        revenue_month as month_start_date,
        'recognised' as measure,
        recognised_amount as amount
    from revenue
    where not is_refund

    union all

    select
        revenue_month as month_start_date,
        'refund_revenue' as measure,
        recognised_amount as amount
    from revenue
    where is_refund

    union all

    select
        issued_month as month_start_date,
        'billings' as measure,
        subtotal as amount
    from invoices
    where invoice_status != 'void'

    union all

    select
        attempted_month as month_start_date,
        'cash_collected' as measure,
        amount
    from payments
    where is_succeeded

    union all

    select
        refunded_month as month_start_date,
        'cash_refunded' as measure,
        amount
    from refunds

    union all

    select
        cast({{ dbt.date_trunc('month', 'closed_at') }} as date) as month_start_date,
        'bookings' as measure,
        amount
    from deals
    where deal_stage = 'closed_won' and closed_at is not null

),

month_range as (

    select
        min(month_start_date) as first_month,
        max(month_start_date) as last_month
    from monthly_amounts

),

pivoted as (

    select
        months.month_start_date,
        sum(case when monthly_amounts.measure = 'bookings' then monthly_amounts.amount else 0 end)
            as bookings_amount,
        sum(case when monthly_amounts.measure = 'billings' then monthly_amounts.amount else 0 end)
            as billings_amount,
        sum(case when monthly_amounts.measure = 'recognised' then monthly_amounts.amount else 0 end)
            as recognised_revenue,
        sum(
            case
                when monthly_amounts.measure = 'refund_revenue' then monthly_amounts.amount else 0
            end
        )
            as refunded_revenue,
        sum(
            case
                when monthly_amounts.measure = 'cash_collected' then monthly_amounts.amount else 0
            end
        )
            as cash_collected_amount,
        sum(
            case
                when monthly_amounts.measure = 'cash_refunded' then monthly_amounts.amount else 0
            end
        )
            as cash_refunded_amount
    from months
    inner join month_range
        on months.month_start_date between month_range.first_month and month_range.last_month
    left join monthly_amounts
        on months.month_start_date = monthly_amounts.month_start_date
    group by months.month_start_date

),

final as (

    select
        cast(month_start_date as date) as revenue_month,
        cast(bookings_amount as decimal(18, 2)) as bookings_amount,
        cast(billings_amount as decimal(18, 2)) as billings_amount,
        cast(recognised_revenue as decimal(18, 2)) as recognised_revenue,
        cast(refunded_revenue as decimal(18, 2)) as refunded_revenue,
        cast(recognised_revenue + refunded_revenue as decimal(18, 2)) as net_recognised_revenue,
        cast(cash_collected_amount as decimal(18, 2)) as cash_collected_amount,
        cast(cash_refunded_amount as decimal(18, 2)) as cash_refunded_amount,
        cast(cash_collected_amount - cash_refunded_amount as decimal(18, 2)) as net_cash_amount
    from pivoted

)

select * from final
