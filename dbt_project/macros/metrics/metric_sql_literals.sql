{# SQL literals for values read from the dbt graph (metric_catalog). #}

{% macro metric_sql_text(value) -%}
    {%- if value is none -%}cast(null as {{ dbt.type_string() }})
    {%- else -%}{{ text_literal(value) }}
    {%- endif -%}
{%- endmacro %}


{% macro metric_sql_list(values) -%}
    {{ text_array(values) }}
{%- endmacro %}
