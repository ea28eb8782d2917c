{#
    Custom schemas are used as written (staging, intermediate, core, marts), not prefixed with the
    target schema as dbt does by default: analysts and BI tools read the same names in every
    environment, and the environment is the DuckDB file (WAREHOUSE_PATH), not a schema prefix.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
