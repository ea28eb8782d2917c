{#-
    Each customer account's MRR per month (all its subscriptions): what a service metric reaches.
    Support does not win deals; what it can change is whether the account stays and grows, so a
    ticket's outcome is the account's MRR at the end of the window against the month of the ticket.
-#}
{{ config(materialized='table', schema='gate') }}

with

mrr_movements as (
    select * from {{ ref('mrr_movements') }}
),

final as (
    select
        account_id,
        mrr_month,
        sum(ending_mrr) as ending_mrr
    from mrr_movements
    where account_id is not null
    group by account_id, mrr_month
)

select * from final
