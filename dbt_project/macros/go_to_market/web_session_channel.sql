{#
    The marketing channel of a web session: the channel of the campaign its utm_campaign names;
    else 'other_campaign' when it carries a utm_medium we have no campaign for; else from the
    referrer: none -> 'direct', a search engine -> 'organic_search', anything else -> 'referral'.
    Used by web_sessions and touches so both read the same channel.
#}
{% macro web_session_channel(campaign_channel, utm_medium, referrer_host) -%}
    case
        when {{ campaign_channel }} is not null then {{ campaign_channel }}
        when {{ utm_medium }} is not null then 'other_campaign'
        when {{ referrer_host }} is null then 'direct'
        when
            {{ referrer_host }} like '%google.%'
            or {{ referrer_host }} like '%bing.%'
            or {{ referrer_host }} like '%duckduckgo.%'
            or {{ referrer_host }} like '%yahoo.%'
            then 'organic_search'
        else 'referral'
    end
{%- endmacro %}
