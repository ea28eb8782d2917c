{#
    The combination of columns is unique (a composite key), e.g. a raw table's key and version.
    Written here instead of taking dbt_utils for one test: the project installs without packages.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
