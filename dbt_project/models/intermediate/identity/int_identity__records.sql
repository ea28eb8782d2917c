-- Every record that names a person, from every system, in one shape: the input of identity rules.

with

marketing_contacts as (

    select * from {{ ref('stg_marketing__contacts') }}

),

crm_contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

deals as (

    select * from {{ ref('stg_crm__deals') }}

),

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

),

registrations as (

    select * from {{ ref('stg_events__registrations') }}

),

booth_scans as (

    select * from {{ ref('stg_events__booth_scans') }}

),

billing_customers as (

    select * from {{ ref('stg_billing__customers') }}

),

unioned as (

    select
        'marketing' as record_system,
        'marketing_contact' as record_type,
        marketing_contact_id as record_key,
        email_normalized,
        email_domain,
        company_name_normalized,
        cast(null as {{ dbt.type_string() }}) as linked_marketing_contact_id,
        cast(null as {{ dbt.type_string() }}) as linked_crm_contact_id,
        cast(null as {{ dbt.type_string() }}) as linked_crm_account_id,
        created_at as record_created_at
    from marketing_contacts

    union all

    select
        'crm' as record_system,
        'crm_contact' as record_type,
        crm_contact_id as record_key,
        email_normalized,
        email_domain,
        cast(null as {{ dbt.type_string() }}) as company_name_normalized,
        marketing_contact_id as linked_marketing_contact_id,
        cast(null as {{ dbt.type_string() }}) as linked_crm_contact_id,
        crm_account_id as linked_crm_account_id,
        created_at as record_created_at
    from crm_contacts

    union all

    -- The person a deal was opened with: known only through the CRM contact id.
    select
        'crm' as record_system,
        'deal_contact' as record_type,
        deal_id as record_key,
        cast(null as {{ dbt.type_string() }}) as email_normalized,
        cast(null as {{ dbt.type_string() }}) as email_domain,
        cast(null as {{ dbt.type_string() }}) as company_name_normalized,
        cast(null as {{ dbt.type_string() }}) as linked_marketing_contact_id,
        primary_crm_contact_id as linked_crm_contact_id,
        crm_account_id as linked_crm_account_id,
        created_at as record_created_at
    from deals

    union all

    select
        'helpdesk' as record_system,
        'ticket_requester' as record_type,
        ticket_id as record_key,
        requester_email_normalized as email_normalized,
        requester_email_domain as email_domain,
        company_name_normalized,
        cast(null as {{ dbt.type_string() }}) as linked_marketing_contact_id,
        cast(null as {{ dbt.type_string() }}) as linked_crm_contact_id,
        cast(null as {{ dbt.type_string() }}) as linked_crm_account_id,
        created_at as record_created_at
    from tickets

    union all

    select
        'events' as record_system,
        'event_registrant' as record_type,
        event_registration_id as record_key,
        email_normalized,
        email_domain,
        company_name_normalized,
        cast(null as {{ dbt.type_string() }}) as linked_marketing_contact_id,
        cast(null as {{ dbt.type_string() }}) as linked_crm_contact_id,
        cast(null as {{ dbt.type_string() }}) as linked_crm_account_id,
        registered_at as record_created_at
    from registrations

    union all

    select
        'events' as record_system,
        'booth_scan' as record_type,
        booth_scan_id as record_key,
        badge_email_normalized as email_normalized,
        badge_email_domain as email_domain,
        company_name_normalized,
        cast(null as {{ dbt.type_string() }}) as linked_marketing_contact_id,
        cast(null as {{ dbt.type_string() }}) as linked_crm_contact_id,
        cast(null as {{ dbt.type_string() }}) as linked_crm_account_id,
        scanned_at as record_created_at
    from booth_scans

    union all

    select
        'billing' as record_system,
        'billing_customer' as record_type,
        billing_customer_id as record_key,
        billing_email_normalized as email_normalized,
        billing_email_domain as email_domain,
        company_name_normalized,
        cast(null as {{ dbt.type_string() }}) as linked_marketing_contact_id,
        cast(null as {{ dbt.type_string() }}) as linked_crm_contact_id,
        crm_account_id as linked_crm_account_id,
        created_at as record_created_at
    from billing_customers

),

final as (

    select
        {{ surrogate_key(['record_type', 'record_key']) }} as identity_record_id,
        *
    from unioned

)

select * from final
