{# SQL literals for values read from the dbt graph (metric_catalog). #}

{% macro metric_sql_text(value) -%}
    {%- if value is none -%}cast(null as varchar)
    {%- else -%}'{{ value | string | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}


{% macro metric_sql_list(values) -%}
    {%- if values | length == 0 -%}cast([] as varchar[])
    {%- else -%}[{% for value in values %}{{ metric_sql_text(value) }}{{ ', ' if not loop.last }}{% endfor %}]
    {%- endif -%}
{%- endmacro %}
