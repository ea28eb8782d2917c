-- Money that enters staging leaves the core unchanged: payments, refunds, invoice totals and
-- invoice line amounts. Returns a row per measure that does not reconcile.
-- Several models feed this test: Dagster shows it as a check of the one it asserts on.
{{ config(meta={'dagster': {'ref': {'name': 'invoices'}}}) }}
with

totals as (

    select
        'payments' as measure,
        (select sum(amount) from {{ ref('stg_billing__payments') }}) as staging_total,
        (select sum(amount) from {{ ref('payments') }}) as core_total

    union all

    select
        'succeeded_payments_vs_invoices_paid' as measure,
        (
            select sum(amount) from {{ ref('payments') }}
            where is_succeeded
        ) as staging_total,
        (select sum(amount_paid) from {{ ref('invoices') }}) as core_total

    union all

    select
        'refunds' as measure,
        (select sum(amount) from {{ ref('stg_billing__refunds') }}) as staging_total,
        (select sum(amount) from {{ ref('refunds') }}) as core_total

    union all

    select
        'invoice_totals' as measure,
        (select sum(total) from {{ ref('stg_billing__invoices') }}) as staging_total,
        (select sum(total) from {{ ref('invoices') }}) as core_total

    union all

    select
        'invoice_lines' as measure,
        (select sum(amount) from {{ ref('stg_billing__invoice_lines') }}) as staging_total,
        (select sum(line_amount_total) from {{ ref('invoices') }}) as core_total

    union all

    select
        'costs' as measure,
        (select sum(amount) from {{ ref('stg_ledger__costs') }}) as staging_total,
        (select sum(amount) from {{ ref('costs') }}) as core_total

)

select *
from totals
where coalesce(staging_total, 0) != coalesce(core_total, 0)
