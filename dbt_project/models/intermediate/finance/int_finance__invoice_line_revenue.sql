-- Invoice line amounts recognised month by month (DECISIONLOG.md, "Finance"): every line of an
-- invoice that is not void is spread evenly by day over its service period. Each month gets the
-- rounded cumulative share minus the rounded share before it, so the months of a line sum exactly
-- to the line amount (no cent is lost to rounding).

with

invoice_lines as (

    select * from {{ ref('stg_billing__invoice_lines') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

months as (

    select * from {{ ref('int_finance__months') }}

),

recognisable_lines as (

    select
        invoice_lines.invoice_line_id,
        invoice_lines.invoice_id,
        invoices.billing_customer_id,
        invoice_lines.subscription_id,
        invoice_lines.line_type,
        invoice_lines.amount,
        invoice_lines.period_start_date,
        -- a period that ends before it starts is read as one day
        case
            when invoice_lines.period_end_date < invoice_lines.period_start_date
                then invoice_lines.period_start_date
            else invoice_lines.period_end_date
        end as period_end_date
    from invoice_lines
    inner join invoices
        on invoice_lines.invoice_id = invoices.invoice_id
    where invoices.invoice_status != 'void'

),

line_months as (

    select
        recognisable_lines.*,
        months.month_start_date as revenue_month,
        {{ dbt.datediff(
            'recognisable_lines.period_start_date', 'recognisable_lines.period_end_date', 'day'
        ) }} + 1 as period_days,
        {{ dbt.datediff(
            'case when recognisable_lines.period_start_date > months.month_start_date'
            ~ ' then recognisable_lines.period_start_date else months.month_start_date end',
            'case when recognisable_lines.period_end_date < months.month_end_date'
            ~ ' then recognisable_lines.period_end_date else months.month_end_date end',
            'day'
        ) }} + 1 as days_in_month
    from recognisable_lines
    inner join months
        on
            recognisable_lines.period_end_date >= months.month_start_date
            and recognisable_lines.period_start_date <= months.month_end_date

),

cumulated as (

    select
        *,
        sum(days_in_month) over (
            partition by invoice_line_id
            order by revenue_month
            rows between unbounded preceding and current row
        ) as days_through_month
    from line_months

),

final as (

    select
        {{ surrogate_key(['invoice_line_id', 'revenue_month']) }} as invoice_line_revenue_id,
        invoice_line_id,
        invoice_id,
        billing_customer_id,
        subscription_id,
        line_type,
        revenue_month,
        days_in_month,
        period_days,
        amount as line_amount,
        cast(
            {{ round_double(double_division('amount * days_through_month', 'period_days'), 2) }}
            - {{ round_double(
                double_division('amount * (days_through_month - days_in_month)', 'period_days'), 2
            ) }}
            as decimal(18, 2)
        ) as recognised_amount
    from cumulated

)

select * from final
