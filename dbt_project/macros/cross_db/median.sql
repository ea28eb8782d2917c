{#
    Median of a numeric expression, as an aggregate.
    default__: the standard ordered-set aggregate (Postgres, Snowflake, Spark 3.4+ accept it).
    duckdb__: DuckDB's median() (exact, same result).
    Trino has no exact median: add trino__ with approx_percentile(expr, 0.5) when moving there.
#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}
