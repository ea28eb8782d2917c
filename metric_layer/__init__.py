"""The metric layer outside dbt: governance checks and metric_values compiled by MetricFlow.

The definitions live in ``dbt_project/models/metrics/`` (semantic models and metrics); this package
reads them from dbt's ``target/semantic_manifest.json`` and never defines a metric itself.
"""
