with

source as (

    select * from {{ source('helpdesk', 'tickets') }}

),

latest as (

    {{ latest_version('source', 'ticket_id', 'updated_at') }}

),

renamed as (

    select

        ---------- ids
        ticket_id,
        assignee_agent_id,

        ---------- strings
        requester_email,
        {{ normalize_email('requester_email') }} as requester_email_normalized,
        {{ email_domain('requester_email') }} as requester_email_domain,
        requester_name,
        organization_name,
        {{ normalize_company_name('organization_name') }} as company_name_normalized,
        subject,
        priority as ticket_priority,
        status as ticket_status,
        channel as ticket_channel,

        ---------- timestamps
        created_at,
        solved_at,
        updated_at,

        ---------- lineage
        _source_file,
        _source_line,
        _loaded_at

    from latest

)

select * from renamed
