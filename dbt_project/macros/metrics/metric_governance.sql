{#
    Governance of the metric layer. Every metric carries `meta` with the schema below (DECISIONLOG.md,
    "Metric layer"); metric_catalog calls assert_metric_governance() when it is built, so a metric
    without it, or a second metric under an existing name, fails `dbt build` (and `make demo`)
    with a message naming the metric. metric_layer/governance.py applies the same rules to
    target/semantic_manifest.json (the tests and the Dagster asset run it).
#}

{% macro metric_governance_rules() %}
    {{ return({
        'owner_team': ['marketing', 'sales', 'service', 'finance', 'revops'],
        'unit': ['count', 'usd', 'ratio', 'hours', 'days', 'score'],
        'direction': ['higher_is_better', 'lower_is_better'],
        'subject': ['buyers', 'us'],
        'role': ['goal', 'input', 'driver'],
        'revenue_link_entity': ['contact', 'account', 'campaign', 'deal', 'ticket', 'subscription', 'none'],
        'grains': ['day', 'week', 'month', 'quarter', 'all_time'],
        'owner_role_words': ['head', 'chief', 'vp', 'vice president', 'director', 'manager', 'lead',
                             'officer', 'owner', 'team', 'operations', 'analyst', 'engineer'],
    }) }}
{% endmacro %}


{% macro metric_meta(metric) %}
    {%- set config_meta = (metric.get('config') or {}).get('meta') or {} -%}
    {{ return(config_meta if config_meta else (metric.get('meta') or {})) }}
{% endmacro %}


{% macro metric_governance_errors(metric) %}
    {%- set rules = metric_governance_rules() -%}
    {%- set meta = metric_meta(metric) -%}
    {%- set errors = [] -%}
    {%- for key in ['owner_team', 'owner', 'unit', 'direction', 'action', 'subject', 'role'] -%}
        {%- if meta.get(key) is none or (meta.get(key) | string | trim) == '' -%}
            {%- do errors.append('meta.' ~ key ~ ' is missing') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for key in ['owner_team', 'unit', 'direction', 'subject', 'role'] -%}
        {%- if meta.get(key) is not none and meta.get(key) not in rules[key] -%}
            {%- do errors.append('meta.' ~ key ~ ' = ' ~ meta.get(key) ~ ' is not one of ' ~ rules[key] | join(', ')) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set owner = (meta.get('owner') or '') | string | lower -%}
    {%- set ns = namespace(is_role=false) -%}
    {%- for word in rules['owner_role_words'] -%}
        {%- if word in owner.split(' ') or (' ' in word and word in owner) -%}{%- set ns.is_role = true -%}{%- endif -%}
    {%- endfor -%}
    {%- if owner and not ns.is_role -%}
        {%- do errors.append('meta.owner = ' ~ meta.get('owner') ~ ' is not a role (Head of ..., VP of ..., ... Manager)') -%}
    {%- endif -%}
    {%- set link = meta.get('revenue_link') -%}
    {%- if link is not mapping -%}
        {%- do errors.append('meta.revenue_link is missing') -%}
    {%- else -%}
        {%- if link.get('entity') not in rules['revenue_link_entity'] -%}
            {%- do errors.append('meta.revenue_link.entity = ' ~ link.get('entity') ~ ' is not one of ' ~ rules['revenue_link_entity'] | join(', ')) -%}
        {%- endif -%}
        {%- if (link.get('path') or '') | trim == '' -%}
            {%- do errors.append('meta.revenue_link.path is missing') -%}
        {%- endif -%}
    {%- endif -%}
    {%- set grains = meta.get('grains') -%}
    {%- if grains is string or grains is not iterable or grains | length == 0 -%}
        {%- do errors.append('meta.grains is missing (a list of ' ~ rules['grains'] | join(', ') ~ ')') -%}
    {%- else -%}
        {%- for grain in grains if grain not in rules['grains'] -%}
            {%- do errors.append('meta.grains has ' ~ grain ~ ', not one of ' ~ rules['grains'] | join(', ')) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set dimensions = meta.get('dimensions') -%}
    {%- if dimensions is none or dimensions is string or dimensions is not iterable -%}
        {%- do errors.append('meta.dimensions is missing (a list, [] for none)') -%}
    {%- endif -%}
    {{ return(errors) }}
{% endmacro %}


{% macro assert_metric_governance() %}
    {%- if execute -%}
        {%- set problems = [] -%}
        {%- set seen = {} -%}
        {%- for metric in graph.metrics.values() | sort(attribute='name') -%}
            {%- if metric.name in seen -%}
                {%- do problems.append(metric.name ~ ': a second definition under the same name ('
                    ~ metric.original_file_path ~ ' and ' ~ seen[metric.name] ~ ')') -%}
            {%- endif -%}
            {%- do seen.update({metric.name: metric.original_file_path}) -%}
            {%- for error in metric_governance_errors(metric) -%}
                {%- do problems.append(metric.name ~ ' (' ~ metric.original_file_path ~ '): ' ~ error) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if problems -%}
            {{ exceptions.raise_compiler_error(
                'Metric governance failed for ' ~ problems | length ~ ' problem(s):\n  ' ~ problems | join('\n  ')
            ) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{#
    The definition of a metric as MetricFlow computes it: its type, parameters and filter, the
    measures it reads (with their semantic model's table, expression, aggregation and time
    dimension) and, recursively, the metrics it is built from. Labels, descriptions and meta are
    left out: the hash changes when what the metric computes changes.
#}
{% macro metric_definition(metric, depth=0) %}
    {%- set measures_by_name = {} -%}
    {%- for semantic_model in graph.semantic_models.values() -%}
        {%- for measure in semantic_model.measures -%}
            {%- do measures_by_name.update({measure.name: {
                'semantic_model': semantic_model.name,
                'relation': semantic_model.node_relation.schema_name ~ '.' ~ semantic_model.node_relation.alias,
                'agg': measure.agg,
                'expr': measure.expr,
                'agg_params': measure.agg_params,
                'non_additive_dimension': measure.non_additive_dimension,
                'agg_time_dimension': measure.agg_time_dimension
                    or (semantic_model.defaults or {}).get('agg_time_dimension'),
            }}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set type_params = metric.type_params -%}
    {%- set measures = {} -%}
    {%- for input_measure in type_params.input_measures or [] -%}
        {%- do measures.update({input_measure.name: measures_by_name.get(input_measure.name)}) -%}
    {%- endfor -%}
    {%- set input_metrics = {} -%}
    {%- if depth < 10 -%}
        {%- set names = [] -%}
        {%- for ref in (type_params.metrics or []) + [type_params.numerator, type_params.denominator] if ref -%}
            {%- do names.append(ref.name) -%}
        {%- endfor -%}
        {%- for other in graph.metrics.values() if other.name in names -%}
            {%- do input_metrics.update({other.name: metric_definition(other, depth + 1)}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return({
        'name': metric.name,
        'type': metric.type,
        'type_params': {
            'measure': type_params.measure,
            'numerator': type_params.numerator,
            'denominator': type_params.denominator,
            'expr': type_params.expr,
            'metrics': type_params.metrics,
            'window': type_params.window,
            'grain_to_date': type_params.grain_to_date,
            'cumulative_type_params': type_params.cumulative_type_params,
            'conversion_type_params': type_params.conversion_type_params,
            'input_measures': type_params.input_measures,
        },
        'filter': metric.filter,
        'time_granularity': metric.time_granularity,
        'measures': measures,
        'input_metrics': input_metrics,
    }) }}
{% endmacro %}
