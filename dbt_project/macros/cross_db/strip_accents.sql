{#
    Remove diacritics (é -> e, ü -> u) so "Société" and "Societe" normalise alike.
    default__: left unchanged (engines without a built-in keep accents; matching is then stricter).
#}
{% macro strip_accents(expression) -%}
    {{ return(adapter.dispatch('strip_accents')(expression)) }}
{%- endmacro %}

{% macro default__strip_accents(expression) -%}
    {{ expression }}
{%- endmacro %}

{% macro duckdb__strip_accents(expression) -%}
    strip_accents({{ expression }})
{%- endmacro %}
