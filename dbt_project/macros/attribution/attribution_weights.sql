{#
    Weight of one touch in its deal's path under each attribution model (DECISIONLOG.md,
    "Attribution"). Arguments are SQL expressions:
      position     1 = earliest eligible touch of the deal, touch_count = the latest (the touch that
                   preceded the opportunity);
      touch_count  eligible touches of the deal;
      lead_position position of the lead-creation touch (W-shaped anchor);
      decay / decay_total  the touch's time-decay factor and the sum of the deal's factors.
    Shares come from var('attribution') in dbt_project.yml: the one place they are set.
    Every model's weights sum to 1 per deal (tests assert_attribution_weights_sum_to_one_per_deal).
#}

{% macro attribution_models() -%}
    {{ return(['first_touch', 'last_touch', 'linear', 'u_shaped', 'w_shaped', 'time_decay']) }}
{%- endmacro %}

{% macro attribution_first_touch_weight(position) -%}
    case when {{ position }} = 1 then 1.0 else 0.0 end
{%- endmacro %}

{% macro attribution_last_touch_weight(position, touch_count) -%}
    case when {{ position }} = {{ touch_count }} then 1.0 else 0.0 end
{%- endmacro %}

{% macro attribution_linear_weight(touch_count) -%}
    1.0 / {{ touch_count }}
{%- endmacro %}

{#- One touch takes all; two share the middle share equally on top of first and last. -#}
{% macro attribution_u_shaped_weight(position, touch_count) -%}
    {%- set shares = var('attribution')['u_shaped'] -%}
    case
        when {{ touch_count }} = 1 then 1.0
        when {{ touch_count }} = 2 and {{ position }} = 1
            then {{ shares['first'] }} + {{ shares['middle'] }} / 2.0
        when {{ touch_count }} = 2
            then {{ shares['last'] }} + {{ shares['middle'] }} / 2.0
        when {{ position }} = 1 then {{ shares['first'] }}
        when {{ position }} = {{ touch_count }} then {{ shares['last'] }}
        else {{ shares['middle'] }} / ({{ touch_count }} - 2.0)
    end
{%- endmacro %}

{#-
    Each anchor role gives its share to the touch that fills it (one touch can fill several roles);
    the spread share goes equally to the touches that fill no role, or, when every touch is an
    anchor, equally to the anchors.
-#}
{% macro attribution_w_shaped_weight(position, touch_count, lead_position) -%}
    {%- set shares = var('attribution')['w_shaped'] -%}
    {%- set anchor_count -%}
        (1
        + case when {{ lead_position }} not in (1, {{ touch_count }}) then 1 else 0 end
        + case when {{ touch_count }} > 1 then 1 else 0 end)
    {%- endset -%}
    {%- set is_anchor -%}
        ({{ position }} in (1, {{ lead_position }}, {{ touch_count }}))
    {%- endset -%}
    case when {{ position }} = 1 then {{ shares['first'] }} else 0.0 end
    + case when {{ position }} = {{ lead_position }} then {{ shares['lead'] }} else 0.0 end
    + case when {{ position }} = {{ touch_count }} then {{ shares['opportunity'] }} else 0.0 end
    + case
        when {{ touch_count }} = {{ anchor_count }} then {{ shares['spread'] }} / {{ anchor_count }}
        when {{ is_anchor }} then 0.0
        else {{ shares['spread'] }} / ({{ touch_count }} - {{ anchor_count }})
    end
{%- endmacro %}

{#- 0.5 ^ (days before the deal was created / half-life): halves every half-life. -#}
{% macro attribution_time_decay_factor(days_before) -%}
    {%- set half_life = var('attribution')['time_decay_half_life_days'] -%}
    power(0.5, {{ days_before }} / ({{ half_life }} * 1.0))
{%- endmacro %}

{#-
    A 64-bit float for weights and credited amounts: dbt.type_float() is a 32-bit float on DuckDB,
    too coarse for weights that must sum to 1 per deal.
-#}
{% macro attribution_type_double() -%}
    {{ return(adapter.dispatch('attribution_type_double')()) }}
{%- endmacro %}

{% macro default__attribution_type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__attribution_type_double() -%}
    double
{%- endmacro %}

{#- Spark's name for it (it has no `double precision`). -#}
{% macro spark__attribution_type_double() -%}
    {{ duckdb__attribution_type_double() }}
{%- endmacro %}

{#-
    Credited amounts and weights are summed as exact decimals: a sum of floats depends on the
    order the rows arrive in (parallel scans), so two builds on the same files would differ in
    the last digits. Twelve places keep a deal's credits summing to its amount.
-#}
{% macro attribution_type_credit() -%}
    decimal(38, 12)
{%- endmacro %}

{#- The declared default model (var attribution.default_model); a name no model has fails the build. -#}
{% macro attribution_default_model() -%}
    {%- set model_name = var('attribution')['default_model'] -%}
    {%- if model_name not in attribution_models() -%}
        {{ exceptions.raise_compiler_error(
            "var attribution.default_model = " ~ model_name ~ " is not one of "
            ~ attribution_models() | join(', ')
        ) }}
    {%- endif -%}
    {{ return(model_name) }}
{%- endmacro %}
