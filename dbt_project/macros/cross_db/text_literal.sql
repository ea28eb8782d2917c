{#
    A string literal holding exactly `value`, and a list of them.
    default__: standard SQL, where only a quote is special (doubled) and a backslash is itself.
    spark__: Spark reads backslash escapes inside literals, and 'a''b' there is the two adjacent
    literals 'a' and 'b' (concatenated to ab): backslashes and quotes are escaped with a backslash.
#}
{% macro text_literal(value) -%}
    {{ return(adapter.dispatch('text_literal')(value)) }}
{%- endmacro %}

{% macro default__text_literal(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__text_literal(value) -%}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{#- The text of a standard SQL string literal ('it''s' -> it's), to re-quote for another engine. -#}
{% macro literal_text(standard_literal) -%}
    {{ return(standard_literal[1:-1] | replace("''", "'")) }}
{%- endmacro %}

{#- An array of texts: DuckDB's list literal; Spark's array(), typed when empty. -#}
{% macro text_array(values) -%}
    {{ return(adapter.dispatch('text_array')(values)) }}
{%- endmacro %}

{% macro default__text_array(values) -%}
    {%- if values | length == 0 -%}cast([] as {{ dbt.type_string() }}[])
    {%- else -%}[{% for value in values %}{{ text_literal(value) }}{{ ', ' if not loop.last }}{% endfor %}]
    {%- endif -%}
{%- endmacro %}

{% macro spark__text_array(values) -%}
    {%- if values | length == 0 -%}cast(array() as array<{{ dbt.type_string() }}>)
    {%- else -%}array({% for value in values %}{{ text_literal(value) }}{{ ', ' if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}
