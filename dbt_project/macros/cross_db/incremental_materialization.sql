{#
    The materialization of the facts a new drop updates in place (delete+insert on unique_key).
    default__: incremental.
    spark__: table, rebuilt whole on every run (the same rows, without the saving): dbt-spark's
    Parquet tables take only append and insert_overwrite, and the merge a unique_key needs takes
    Delta, Iceberg or Hudi tables, whose jars a local pyspark does not ship. A cluster with Delta
    would set file_format='delta' and incremental_strategy='merge' here instead.
#}
{% macro incremental_materialization() -%}
    {{ return(adapter.dispatch('incremental_materialization')()) }}
{%- endmacro %}

{% macro default__incremental_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__incremental_materialization() -%}
    {{ return('table') }}
{%- endmacro %}
