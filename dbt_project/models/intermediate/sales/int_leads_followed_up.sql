-- Per lead (a person with a capture): the first sales touch WE made at or after the capture.
-- Follow-up means a rep reached out: an outbound call, email or meeting logged in the CRM.
-- An inbound call or email is the buyer chasing us, not a follow-up, and touches before the
-- capture (a rep prospecting a person who later filled a form) do not answer that capture.

with

leads as (

    select * from {{ ref('int_contacts_captured') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

person_keys as (

    select * from {{ ref('int_person_keys_resolved') }}

),

sales_touches as (

    select
        person_keys.person_id,
        activities.activity_id,
        activities.rep_id,
        activities.occurred_at,
        {{ touch_initiated_by('activities.activity_direction') }} as initiated_by
    from activities
    inner join person_keys
        on
            case
                when activities.crm_contact_id is not null
                    then {{ dbt.concat(["'crm_contact:'", 'activities.crm_contact_id']) }}
                else {{ dbt.concat(["'email:'", 'activities.contact_email_normalized']) }}
            end = person_keys.person_key

),

touches_after_capture as (

    select
        leads.person_id,
        sales_touches.activity_id,
        sales_touches.rep_id,
        sales_touches.occurred_at,
        row_number() over (
            partition by leads.person_id
            order by sales_touches.occurred_at, sales_touches.activity_id
        ) as touch_rank,
        count(*) over (partition by leads.person_id) as sales_touch_count
    from leads
    inner join sales_touches
        on
            leads.person_id = sales_touches.person_id
            and leads.captured_at <= sales_touches.occurred_at
            and sales_touches.initiated_by = 'us'

),

final as (

    select
        leads.person_id,
        leads.captured_at,
        first_touch.activity_id as first_sales_activity_id,
        first_touch.rep_id as first_sales_touch_rep_id,
        first_touch.occurred_at as first_sales_touch_at,
        first_touch.person_id is not null as is_followed_up,
        {{ double_division(
            dbt.datediff('leads.captured_at', 'first_touch.occurred_at', 'second'), '3600.0'
        ) }} as hours_to_first_sales_touch,
        coalesce(first_touch.sales_touch_count, 0) as sales_touches_after_capture
    from leads
    left join touches_after_capture as first_touch
        on
            leads.person_id = first_touch.person_id
            and first_touch.touch_rank = 1

)

select * from final
