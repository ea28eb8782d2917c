{#
    Replace every match of a regular expression.
    pattern and replacement are SQL string literals, e.g. "'[^a-z]+'".
    default__: Spark, Trino and Snowflake replace every match by default.
    duckdb__ and postgres__ replace only the first match unless given the 'g' flag.
    spark__: the same call, with the literals re-quoted for Spark's backslash escapes
    (text_literal), so '[^\p{L}]' reaches Java's regex engine as written.
#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro postgres__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace(
        {{ expression }},
        {{ text_literal(literal_text(pattern)) }},
        {{ text_literal(literal_text(replacement)) }}
    )
{%- endmacro %}
