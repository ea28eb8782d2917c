{#
    Normalisation shared by every system, so the same person or company reads the same everywhere.
    Rules and their reasons: DECISIONLOG.md ("Normalisation").
#}

{#- Lowered and trimmed; null when empty. -#}
{% macro _clean_lower(expression) -%}
    nullif(trim(lower({{ expression }})), '')
{%- endmacro %}

{#
    email_normalized: lower, trimmed; the plus-alias removed (jane+news@x.com -> jane@x.com);
    googlemail.com -> gmail.com. Null when the value is not one local@domain address.
#}
{% macro normalize_email(expression) -%}
    {%- set cleaned = _clean_lower(expression) -%}
    {%- set local_part = dbt.split_part(dbt.split_part(cleaned, "'@'", 1), "'+'", 1) -%}
    {%- set domain_part = dbt.split_part(cleaned, "'@'", 2) -%}
    case
        when {{ cleaned }} like '%_@_%._%'
            and {{ cleaned }} not like '%@%@%'
            and {{ cleaned }} not like '% %'
            and {{ cleaned }} not like '+%'
            then {{ dbt.concat([
                local_part,
                "'@'",
                "case when " ~ domain_part ~ " = 'googlemail.com' then 'gmail.com' else " ~ domain_part ~ " end"
            ]) }}
    end
{%- endmacro %}

{#- email_domain: the domain of the normalised address (null when the address is not valid). -#}
{% macro email_domain(expression) -%}
    {{ dbt.split_part(normalize_email(expression), "'@'", 2) }}
{%- endmacro %}

{#
    company_name_normalized: lower, accents stripped, '&' read as 'and', dots and apostrophes
    dropped (A.C.M.E. -> acme, O'Neil -> oneil), any other run of punctuation or whitespace
    collapsed to one space, trailing legal suffixes stripped (inc, incorporated, llc, llp, ltd,
    limited, gmbh, corp, corporation, co, plc, ag, sa, nv, bv, pty; repeatedly, so "co ltd" goes
    too), trimmed. Null when nothing is left.
#}
{% macro normalize_company_name(expression) -%}
    {%- set s = strip_accents(_clean_lower(expression)) -%}
    {%- set s = dbt.replace(s, "'&'", "' and '") -%}
    {%- set s = regexp_replace_all(s, "'[.''’]'", "''") -%}
    {%- set s = regexp_replace_all(s, "'[^\\p{L}\\p{N}]+'", "' '") -%}
    {%- set s = regexp_replace_all(
        "trim(" ~ s ~ ")",
        "'( (inc|incorporated|llc|llp|ltd|limited|gmbh|corp|corporation|co|plc|ag|sa|nv|bv|pty))+$'",
        "''"
    ) -%}
    nullif(trim({{ s }}), '')
{%- endmacro %}

{#- A web domain from a URL or host: lower, no scheme, no www., no path or port. -#}
{% macro normalize_web_domain(expression) -%}
    {%- set s = regexp_replace_all(_clean_lower(expression), "'^[a-z]+://'", "''") -%}
    {%- set s = regexp_replace_all(s, "'^www[.]'", "''") -%}
    {%- set s = dbt.split_part(dbt.split_part(s, "'/'", 1), "':'", 1) -%}
    nullif({{ s }}, '')
{%- endmacro %}
