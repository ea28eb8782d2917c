{#
    Cast that yields null instead of failing on bad input.
    dbt.safe_cast on dbt-duckdb is a plain cast that raises, hence this macro.
    default__: the portable form, a plain cast (fails loudly where no safe cast exists);
    duckdb__ (and engines with a native try_cast: Spark, Trino, Snowflake) use try_cast.
#}
{% macro try_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(expression, data_type) -%}
    cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro duckdb__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}
