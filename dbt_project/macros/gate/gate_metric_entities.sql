{#-
    The gate's metric -> counted-entities mapping: ONE declarative table, one entry per metric.

    Each entry says which rows of which model the metric counts, and when:
      entity       what a row is (contact, account, deal, ticket, campaign, subscription, none);
                   the metric's meta.revenue_link.entity wins when the metric layer declares it
      model        the model the metric's measure reads (ref name)
      person       (campaign) the person through whom the entity reaches revenue
      account      (ticket) the account through which the entity reaches revenue (is retained)
      id           the counted entity's id column
      at           when the entity was counted (the measure's time dimension)
      where        the measure's filter (SQL on the model)
      value        optional per-entity value (rates: 1/0, times: hours) used to split entities into
                   better and worse halves for the buyer-response lift; null = counted or not
      buyer_act    SQL: true when the counted row began with something the buyer did (a form, a reply,
                   a ticket) rather than something we did (a scan, a send, a rep's prospecting);
                   defaults per model in gate_buyer_act()
      campaign     (optional) the column holding the campaign whose cost produced the counting
      credited     (with campaign) SQL on marts.attribution_touch_credits: the touches the metric
                   counts. When the campaigns behind the matured countings have a ledger cost, the
                   bottom line is the return of the counted touches: the revenue attribution credits
                   to them (best of the attribution models) / the campaigns' cost, not a share of
                   the people counted. Email sends are no touch (attribution credits none): emails_sent
                   keeps the share rule.
      series       (entity none only) the monthly aggregate: SQL expression summed per month
      revenue      true for revenue metrics: linked to revenue by definition

    Hand-kept on purpose (DECISIONLOG.md, "Revenue-link gate"): the semantic manifest gives a
    measure's model and time dimension, but not which *entity* a ratio or cumulative metric
    counts, and several measures are sums of CASE expressions whose counted rows are implicit.
    pytest (tests/test_revenue_gate.py) checks that every metric of the metric layer has an entry.
-#}
{% macro gate_metric_entities() %}
{% set followed_hours = "hours_to_first_sales_touch" %}
{{ return([
    {"metric": "ad_impressions", "entity": "none", "model": "stg_ads__ad_performance", "at": "report_date", "series": "impressions"},
    {"metric": "website_sessions", "entity": "none", "model": "web_sessions", "at": "started_at", "series": "1"},
    {"metric": "event_attendees", "entity": "contact", "model": "touches", "id": "person_id", "campaign": "campaign_id", "credited": "touch_type = 'event_attendance'", "at": "occurred_at", "where": "touch_type = 'event_attendance'"},
    {"metric": "booth_scans", "entity": "contact", "model": "touches", "id": "person_id", "campaign": "campaign_id", "credited": "touch_type = 'booth_scan'", "at": "occurred_at", "where": "touch_type = 'booth_scan'"},
    {"metric": "emails_sent", "entity": "contact", "model": "email_events", "id": "person_id", "at": "occurred_at", "where": "event_type = 'sent'"},
    {"metric": "new_contacts", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at"},
    {"metric": "contacts_replied", "entity": "contact", "model": "touches", "id": "person_id", "at": "occurred_at", "where": "touch_type = 'email_reply'"},
    {"metric": "mqls", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "mql_at", "where": "is_mql"},
    {"metric": "lead_to_mql_rate", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at", "value": "case when is_mql then 1 else 0 end"},
    {"metric": "mql_to_opportunity_rate", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "mql_at", "where": "is_mql", "value": "case when is_opportunity then 1 else 0 end"},
    {"metric": "lead_to_customer_rate", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at", "value": "case when is_won then 1 else 0 end"},
    {"metric": "lead_follow_up_rate", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at", "value": "case when is_followed_up then 1 else 0 end"},
    {"metric": "speed_to_lead_hours_mean", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at", "where": "is_followed_up", "value": "-" ~ followed_hours},
    {"metric": "speed_to_lead_hours_median", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at", "where": "is_followed_up", "value": "-" ~ followed_hours},
    {"metric": "leads_never_followed_up", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at", "where": "not is_followed_up"},
    {"metric": "crm_adoption_leads", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at", "value": "case when owner_rep_source <> 'unassigned' then 1 else 0 end"},
    {"metric": "opportunity_to_won_rate", "entity": "deal", "model": "deals", "id": "deal_id", "at": "created_at", "value": "case when is_won then 1 else 0 end"},
    {"metric": "marketing_sourced_pipeline", "entity": "deal", "model": "deals", "id": "deal_id", "at": "created_at", "where": "deal_id in (select deal_id from " ~ ref('int_deals_sourced_by_marketing') ~ " where is_marketing_sourced)"},
    {"metric": "pipeline_created", "entity": "deal", "model": "deals", "id": "deal_id", "at": "created_at"},
    {"metric": "win_rate", "entity": "deal", "model": "deals", "id": "deal_id", "at": "created_at", "where": "is_closed", "value": "case when is_won then 1 else 0 end"},
    {"metric": "average_deal_size", "entity": "deal", "model": "deals", "id": "deal_id", "at": "created_at", "where": "is_won"},
    {"metric": "sales_cycle_days", "entity": "deal", "model": "deals", "id": "deal_id", "at": "created_at", "where": "is_closed", "value": "-date_diff('hour', created_at, closed_at)"},
    {"metric": "sales_cycle_days_median", "entity": "deal", "model": "deals", "id": "deal_id", "at": "created_at", "where": "is_closed", "value": "-date_diff('hour', created_at, closed_at)"},
    {"metric": "crm_adoption_deals", "entity": "deal", "model": "deals", "id": "deal_id", "at": "created_at", "value": "case when stage_change_count > 0 then 1 else 0 end"},
    {"metric": "cac", "entity": "account", "model": "deals", "id": "account_id", "at": "created_at", "where": "deal_type = 'new_business'"},
    {"metric": "first_response_time_hours", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at", "where": "first_response_business_minutes is not null", "value": "-first_response_business_minutes"},
    {"metric": "average_response_time_hours", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at", "where": "response_count > 0", "value": "-response_business_minutes_total / response_count"},
    {"metric": "resolution_time_hours", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at", "where": "resolution_business_minutes is not null", "value": "-resolution_business_minutes"},
    {"metric": "one_touch_resolution_rate", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at", "where": "is_solved", "value": "case when is_one_touch then 1 else 0 end"},
    {"metric": "satisfaction_score", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at", "where": "satisfaction_score is not null", "value": "satisfaction_score"},
    {"metric": "attributed_revenue", "entity": "campaign", "model": "touches", "id": "campaign_id", "person": "person_id", "at": "occurred_at", "where": "campaign_id is not null and initiated_by = 'buyer'"},
    {"metric": "attributed_pipeline", "entity": "campaign", "model": "touches", "id": "campaign_id", "person": "person_id", "at": "occurred_at", "where": "campaign_id is not null and initiated_by = 'buyer'"},
    {"metric": "campaign_attributed_revenue", "entity": "campaign", "model": "touches", "id": "campaign_id", "person": "person_id", "at": "occurred_at", "where": "campaign_id is not null and initiated_by = 'buyer'"},
    {"metric": "campaign_cost", "entity": "none", "model": "costs", "at": "cost_month", "series": "case when campaign_id is not null then amount else 0 end"},
    {"metric": "campaign_roi", "entity": "campaign", "model": "touches", "id": "campaign_id", "person": "person_id", "at": "occurred_at", "where": "campaign_id is not null"},
    {"metric": "event_roi", "entity": "campaign", "model": "touches", "id": "campaign_id", "person": "person_id", "at": "occurred_at", "where": "touch_type in ('event_registration', 'event_attendance', 'booth_scan') and campaign_id is not null"},
    {"metric": "leads_captured_to_date", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at"},
    {"metric": "customers_from_leads_to_date", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at", "where": "is_won"},
    {"metric": "lead_to_customer_conversion_365d", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at", "value": "case when is_won then 1 else 0 end"},
    {"metric": "leads_became_mql", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at", "where": "is_mql"},
    {"metric": "leads_followed_up", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at", "where": "is_followed_up"},
    {"metric": "lead_hours_to_follow_up", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at", "where": "is_followed_up", "value": "-" ~ followed_hours},
    {"metric": "mqls_became_opportunity", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "mql_at", "where": "is_mql and is_opportunity"},
    {"metric": "opportunities_from_leads", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "opportunity_at", "where": "is_opportunity"},
    {"metric": "opportunities_won_from_leads", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "opportunity_at", "where": "is_opportunity and is_won"},
    {"metric": "leads_in_crm", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at", "where": "owner_rep_source = 'contact_owner'"},
    {"metric": "new_customers", "entity": "deal", "model": "deals", "id": "deal_id", "at": "created_at", "where": "is_won and deal_type = 'new_business'"},
    {"metric": "deals_won", "entity": "deal", "model": "deals", "id": "deal_id", "at": "created_at", "where": "is_won"},
    {"metric": "deals_closed", "entity": "deal", "model": "deals", "id": "deal_id", "at": "created_at", "where": "is_closed"},
    {"metric": "deals_lost", "entity": "deal", "model": "deals", "id": "deal_id", "at": "created_at", "where": "is_lost"},
    {"metric": "won_sales_cycle_days", "entity": "deal", "model": "deals", "id": "deal_id", "at": "created_at", "where": "is_won", "value": "-date_diff('hour', created_at, closed_at)"},
    {"metric": "deals_created_for_adoption", "entity": "deal", "model": "metric_deal_activity", "id": "deal_id", "at": "created_at"},
    {"metric": "deals_with_logged_activity", "entity": "deal", "model": "metric_deal_activity", "id": "deal_id", "at": "created_at", "where": "has_logged_activity"},
    {"metric": "acquisition_costs", "entity": "none", "model": "costs", "at": "cost_month", "series": "case when team in ('marketing', 'sales') then amount else 0 end"},
    {"metric": "tickets_first_responded", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at", "where": "first_response_business_minutes is not null"},
    {"metric": "first_response_hours_sum", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at", "where": "first_response_business_minutes is not null", "value": "-first_response_business_minutes"},
    {"metric": "ticket_responses", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at", "where": "response_count > 0"},
    {"metric": "response_hours_sum", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at", "where": "response_count > 0", "value": "-response_business_minutes_total / response_count"},
    {"metric": "tickets_solved", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at", "where": "is_solved"},
    {"metric": "resolution_hours_sum", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at", "where": "is_solved and resolution_business_minutes is not null", "value": "-resolution_business_minutes"},
    {"metric": "tickets_solved_in_one_touch", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at", "where": "is_solved and is_one_touch"},
    {"metric": "tickets_rated", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at", "where": "satisfaction_score is not null"},
    {"metric": "tickets_rated_good", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at", "where": "satisfaction_score > 0"},
    {"metric": "starting_mrr", "entity": "subscription", "revenue": true},
    {"metric": "retained_mrr", "entity": "subscription", "revenue": true},
    {"metric": "revenue", "entity": "account", "revenue": true},
    {"metric": "mrr", "entity": "subscription", "revenue": true},
    {"metric": "bookings", "entity": "deal", "revenue": true},
    {"metric": "net_revenue_retention", "entity": "subscription", "revenue": true},
]) }}
{% endmacro %}

{#- The comparison populations for the buyer-response lift: every entity of a type that could
    have been counted, at the moment it could first have been counted. -#}
{% macro gate_buyer_act(model) %}
{{ return({
    "touches": "initiated_by = 'buyer'",
    "email_events": "coalesce(is_buyer_action, false)",
    "lead_funnel": "capture_record_type not in ('booth_scan', 'crm_contact')",
    "tickets": "true",
    "deals": "true",
    "accounts": "false",
}.get(model, "false")) }}
{% endmacro %}

{% macro gate_populations() %}
{{ return([
    {"metric": "__population__contact", "entity": "contact", "model": "lead_funnel", "id": "person_id", "at": "captured_at"},
    {"metric": "__population__deal", "entity": "deal", "model": "deals", "id": "deal_id", "at": "created_at"},
    {"metric": "__population__ticket", "entity": "ticket", "model": "tickets", "id": "ticket_id", "account": "account_id", "at": "created_at"},
    {"metric": "__population__account", "entity": "account", "model": "accounts", "id": "account_id", "at": "first_seen_at"},
    {"metric": "__population__campaign", "entity": "campaign", "model": "touches", "id": "campaign_id", "person": "person_id", "at": "occurred_at", "where": "campaign_id is not null"},
]) }}
{% endmacro %}
