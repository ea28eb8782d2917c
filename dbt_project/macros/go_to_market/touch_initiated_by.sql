{#
    Who started a sales activity: 'buyer' for inbound (the person called, wrote, asked for the
    meeting), 'us' for outbound (the rep did) and anything unrecorded (a touch we cannot show the
    buyer started is not counted as the buyer's). Rule: DECISIONLOG.md, "Touches".
#}
{% macro touch_initiated_by(direction) -%}
    case when {{ direction }} = 'inbound' then 'buyer' else 'us' end
{%- endmacro %}
