-- How well each system's records resolve to a person and an account, and by which rule.
-- Unmatched records are kept in the maps; here they are counted.

with

person_map as (

    select * from {{ ref('int_identity__person_map') }}

),

account_map as (

    select * from {{ ref('int_identity__account_map') }}

),

-- In how many systems each person appears: a person seen only by one system is not yet joined.
person_systems as (

    select
        person_id,
        count(distinct record_system) as system_count
    from person_map
    where is_matched
    group by person_id

),

person_rates as (

    select
        person_map.record_system,
        person_map.record_type,
        count(*) as record_count,
        sum(case when person_map.is_matched then 1 else 0 end) as person_matched_count,
        sum(case when not person_map.is_matched then 1 else 0 end) as person_unmatched_count,
        sum(
            case when coalesce(person_systems.system_count, 1) > 1 then 1 else 0 end
        ) as person_in_other_system_count,
        sum(
            case when person_map.person_match_rule = 'email' then 1 else 0 end
        ) as person_by_email_count,
        sum(
            case when person_map.person_match_rule like 'shared_%' then 1 else 0 end
        ) as person_by_shared_id_count,
        count(distinct person_map.person_id) as distinct_person_count
    from person_map
    left join person_systems
        on person_map.person_id = person_systems.person_id
    group by person_map.record_system, person_map.record_type

),

account_rates as (

    select
        record_system,
        record_type,
        count(*) as record_count,
        sum(case when is_matched then 1 else 0 end) as account_matched_count,
        sum(case when not is_matched then 1 else 0 end) as account_unmatched_count,
        sum(case when is_crm_account then 1 else 0 end) as account_in_crm_count,
        sum(
            case when account_match_rule = 'crm_account' then 1 else 0 end
        ) as account_by_crm_account_count,
        sum(
            case when account_match_rule = 'shared_id' then 1 else 0 end
        ) as account_by_shared_id_count,
        sum(
            case when account_match_rule = 'person_crm_account' then 1 else 0 end
        ) as account_by_person_crm_account_count,
        sum(
            case when account_match_rule = 'email_domain' then 1 else 0 end
        ) as account_by_email_domain_count,
        sum(
            case when account_match_rule = 'company_name' then 1 else 0 end
        ) as account_by_company_name_count,
        sum(
            case when account_match_rule = 'new_domain' then 1 else 0 end
        ) as account_by_new_domain_count,
        count(distinct account_id) as distinct_account_count
    from account_map
    group by record_system, record_type

),

final as (

    select
        account_rates.record_system,
        account_rates.record_type,
        account_rates.record_count,
        person_rates.person_matched_count,
        person_rates.person_unmatched_count,
        person_rates.person_in_other_system_count,
        person_rates.person_by_email_count,
        person_rates.person_by_shared_id_count,
        person_rates.distinct_person_count,
        account_rates.account_matched_count,
        account_rates.account_unmatched_count,
        account_rates.account_in_crm_count,
        account_rates.account_by_crm_account_count,
        account_rates.account_by_shared_id_count,
        account_rates.account_by_person_crm_account_count,
        account_rates.account_by_email_domain_count,
        account_rates.account_by_company_name_count,
        account_rates.account_by_new_domain_count,
        account_rates.distinct_account_count,
        {{ double_division(
            'person_rates.person_matched_count * 1.0', 'nullif(person_rates.record_count, 0)'
        ) }} as person_match_rate,
        {{ double_division(
            'person_rates.person_in_other_system_count * 1.0', 'nullif(person_rates.record_count, 0)'
        ) }} as person_cross_system_rate,
        {{ double_division(
            'account_rates.account_matched_count * 1.0', 'nullif(account_rates.record_count, 0)'
        ) }} as account_match_rate,
        {{ double_division(
            'account_rates.account_in_crm_count * 1.0', 'nullif(account_rates.record_count, 0)'
        ) }} as account_in_crm_rate
    from account_rates
    left join person_rates
        on
            account_rates.record_system = person_rates.record_system
            and account_rates.record_type = person_rates.record_type

)

select * from final
