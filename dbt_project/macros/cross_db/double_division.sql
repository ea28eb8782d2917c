{#
    numerator / denominator as a 64-bit float, on every engine.
    duckdb__: DuckDB divides integers and decimals as doubles already (seconds / 3600.0 is a
    double), so the division is written as it always was.
    default__ (Spark, and standard SQL): a decimal quotient there keeps as few as 6 places
    (Spark: scale max(6, s1 + p2 + 1)), 1e-7 off a value in hours: both sides become doubles.
#}
{% macro double_division(numerator, denominator) -%}
    {{ return(adapter.dispatch('double_division')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__double_division(numerator, denominator) -%}
    cast({{ numerator }} as {{ attribution_type_double() }})
    / cast({{ denominator }} as {{ attribution_type_double() }})
{%- endmacro %}

{% macro duckdb__double_division(numerator, denominator) -%}
    {{ numerator }} / {{ denominator }}
{%- endmacro %}

{#
    A double rounded to `digits` places as DuckDB rounds it: half away from zero on its binary
    value (round(1.005, 2) = 1.0, as 1.005 is stored as 1.00499...).
    default__: round(x * 10^digits) / 10^digits; a whole-number round of a double agrees on every
    engine (a tie there is exact in binary), where Spark's round(x, 2) rounds the shortest decimal
    text of x instead (1.005 -> 1.01).
#}
{% macro round_double(expression, digits) -%}
    {{ return(adapter.dispatch('round_double')(expression, digits)) }}
{%- endmacro %}

{% macro default__round_double(expression, digits) -%}
    round(({{ expression }}) * {{ 10 ** digits }}, 0) / {{ 10 ** digits }}
{%- endmacro %}

{% macro duckdb__round_double(expression, digits) -%}
    round({{ expression }}, {{ digits }})
{%- endmacro %}
