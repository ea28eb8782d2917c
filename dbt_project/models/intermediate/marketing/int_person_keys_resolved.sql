-- A table, not a view: every go-to-market fact joins it twice (resolution and the incremental
-- staleness check), so it is computed once per build.
{{ config(materialized='table') }}

-- Every key a fact can name a person by -> the resolved person (from the identity person map).
-- Keys read '<record_type>:<record_key>' (marketing_contact:MC0000001, crm_contact:CC-0000001,
-- booth_scan:..., event_registrant:...) or 'email:<normalised email>'. Facts that are not identity
-- records (web sessions, email events, sales activities) resolve through these keys, so a person id
-- is decided in one place only.

with

person_map as (

    select * from {{ ref('int_identity__person_map') }}

),

by_record as (

    select
        {{ dbt.concat(['record_type', "':'", 'record_key']) }} as person_key,
        person_id
    from person_map

),

by_email as (

    select
        {{ dbt.concat(["'email:'", 'person_email']) }} as person_key,
        min(person_id) as person_id
    from person_map
    where person_email is not null
    group by person_email

),

unioned as (

    select * from by_record
    union all
    select * from by_email

),

final as (

    select
        person_key,
        min(person_id) as person_id
    from unioned
    group by person_key

)

select * from final
