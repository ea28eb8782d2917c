-- Recognised revenue sums to the invoiced line amounts of invoices that are not void, line by
-- line, and refund revenue to the refunds' pre-tax share; the revenue table holds both totals.
-- Several models feed this test: Dagster shows it as a check of the one it asserts on.
{{ config(meta={'dagster': {'ref': {'name': 'revenue'}}}) }}
with

lines as (

    select
        invoice_lines.invoice_line_id,
        invoice_lines.amount
    from {{ ref('stg_billing__invoice_lines') }} as invoice_lines
    inner join {{ ref('stg_billing__invoices') }} as invoices
        on invoice_lines.invoice_id = invoices.invoice_id
    where invoices.invoice_status != 'void'

),

recognised_by_line as (

    select
        invoice_line_id,
        sum(recognised_amount) as recognised_amount
    from {{ ref('int_finance__invoice_line_revenue') }}
    group by invoice_line_id

),

line_gaps as (

    select
        'line ' || lines.invoice_line_id as measure,
        lines.amount as expected,
        recognised_by_line.recognised_amount as actual
    from lines
    left join recognised_by_line
        on lines.invoice_line_id = recognised_by_line.invoice_line_id
    where coalesce(recognised_by_line.recognised_amount, 0) != lines.amount

),

total_gaps as (

    select
        'invoice lines total' as measure,
        (select sum(amount) from lines) as expected,
        (
            select sum(recognised_amount) from {{ ref('revenue') }}
            where not is_refund
        ) as actual

    union all

    select
        'refunds total' as measure,
        -(select sum(revenue_amount) from {{ ref('refunds') }}) as expected,
        (
            select sum(recognised_amount) from {{ ref('revenue') }}
            where is_refund
        ) as actual

)

select * from line_gaps

union all

select *
from total_gaps
where coalesce(expected, 0) != coalesce(actual, 0)
