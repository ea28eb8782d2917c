{#
    Filters for the incremental go-to-market facts (touches, web_sessions, email_events).

    A new drop costs a fraction of a full rebuild: only rows whose staging version was loaded at or
    after the newest _loaded_at already in the table are processed (>=, so a file loaded in the same
    instant as the last build is not missed; the unique_key makes the overlap harmless).

    A full refresh must give the same table. Rows loaded earlier can still change their answer when
    identity learns something new (a CRM contact links an email, a company gets a CRM account):
    `stale_resolution_keys` lists the rows of {{ this }} whose stored person_id or account_id no
    longer equals what the identity maps say for their person_key today. Those rows are
    re-processed too. The check reads only {{ this }} and the two small lookup tables.
#}

{% macro loaded_since_last_run(loaded_at_column='_loaded_at') -%}
    {{ loaded_at_column }} >= (select max(_loaded_at) from {{ this }})
{%- endmacro %}

{% macro stale_resolution_keys(key_column) -%}
    select stored.{{ key_column }}
    from {{ this }} as stored
    left join {{ ref('int_person_keys_resolved') }} as person_keys
        on stored.person_key = person_keys.person_key
    left join {{ ref('int_person_accounts_resolved') }} as person_accounts
        on person_keys.person_id = person_accounts.person_id
    where
        stored.person_id is distinct from person_keys.person_id
        or stored.account_id is distinct from person_accounts.account_id
{%- endmacro %}
