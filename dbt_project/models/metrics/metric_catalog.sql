{{ config(materialized='table', schema='metric_layer') }}
-- One row per metric: its definition and governance meta, read from the dbt graph (the same
-- definitions MetricFlow compiles). Building it fails when a metric breaks the governance rules.
{{ assert_metric_governance() }}

{%- set rows = [] -%}
{%- if execute -%}
    {%- for metric in graph.metrics.values() | sort(attribute='name') -%}
        {%- set meta = metric_meta(metric) -%}
        {%- set link = meta.get('revenue_link') or {} -%}
        {%- set definition = tojson(metric_definition(metric), sort_keys=True) -%}
        {%- set inputs = [] -%}
        {%- for input_measure in metric.type_params.input_measures or [] -%}
            {%- do inputs.append(input_measure.name) -%}
        {%- endfor -%}
        {%- set filters = [] -%}
        {%- for where in (metric.filter or {}).get('where_filters', []) -%}
            {%- do filters.append(where.where_sql_template) -%}
        {%- endfor -%}
        {%- do rows.append([
            metric.name, metric.label, metric.description, metric.type,
            meta.get('owner_team'), meta.get('owner'), meta.get('unit'), meta.get('direction'),
            meta.get('action'), meta.get('subject'), link.get('entity'), link.get('path'),
            meta.get('grains') or [], meta.get('dimensions') or [], inputs, filters | join(' and '),
            local_md5(definition), definition, metric.original_file_path
        ]) -%}
    {%- endfor -%}
{%- endif %}

with

metrics as (

    {%- for row in rows %}
    select
        {{ metric_sql_text(row[0]) }} as metric_name,
        {{ metric_sql_text(row[1]) }} as label,
        {{ metric_sql_text(row[2]) }} as description,
        {{ metric_sql_text(row[3]) }} as metric_type,
        {{ metric_sql_text(row[4]) }} as owner_team,
        {{ metric_sql_text(row[5]) }} as owner,
        {{ metric_sql_text(row[6]) }} as unit,
        {{ metric_sql_text(row[7]) }} as direction,
        {{ metric_sql_text(row[8]) }} as action,
        {{ metric_sql_text(row[9]) }} as subject,
        {{ metric_sql_text(row[10]) }} as revenue_link_entity,
        {{ metric_sql_text(row[11]) }} as revenue_link_path,
        {{ metric_sql_list(row[12]) }} as grains,
        {{ metric_sql_list(row[13]) }} as dimensions,
        {{ metric_sql_list(row[14]) }} as input_measures,
        {{ metric_sql_text(row[15]) }} as metric_filter,
        {{ metric_sql_text(row[16]) }} as definition_hash,
        {{ metric_sql_text(row[17]) }} as definition_json,
        {{ metric_sql_text(row[18]) }} as defined_in
    {{ 'union all' if not loop.last }}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as metric_name
    where false
    {%- endfor %}

),

final as (

    select * from metrics

)

select * from final
