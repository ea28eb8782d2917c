{#
    Register every dbt source as a table over its Parquet folder (sources/raw_export.py writes
    <raw_dir>/<schema>/<table>/), for engines whose raw layer is that export (the spark target):
    `dbt run-operation register_raw_parquet --args '{raw_dir: /abs/path}' --target spark`.
    Tables are external: dropping one leaves its files, and re-registering reads the newest export
    with the types stored in the files (no schema is restated here, so none can drift).
#}
{% macro register_raw_parquet(raw_dir) -%}
    {%- for source in graph.sources.values() | sort(attribute='unique_id') -%}
        {%- set relation = source.schema ~ '.' ~ source.identifier -%}
        {%- set location = raw_dir ~ '/' ~ source.schema ~ '/' ~ source.identifier -%}
        {%- do run_query('create schema if not exists ' ~ source.schema) -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
        {%- do run_query("create table " ~ relation ~ " using parquet location '" ~ location ~ "'") -%}
        {%- do log('registered ' ~ relation ~ ' <- ' ~ location, info=true) -%}
    {%- endfor -%}
{%- endmacro %}
