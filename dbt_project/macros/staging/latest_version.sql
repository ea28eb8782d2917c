{#
    Reduce a relation that keeps every version of a record to the latest version per key.

    relation:        a CTE or relation name holding raw rows with the lineage columns
    key:             the record's key, a column name or a list of column names
    version_column:  the contract's version column (e.g. updated_at); none for extracts
                     without versions, where re-delivered copies of a row are collapsed.

    Order: the highest version wins; ties (the same version delivered twice) go to the row
    loaded last (_loaded_at), then the later file name, then the later line of the file,
    so the choice is deterministic for the same inputs.
    The result carries an extra _version_rank column (always 1): select columns explicitly after it.
#}
{% macro latest_version(relation, key, version_column=none) -%}
    {%- set keys = [key] if key is string else key -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ keys | join(', ') }}
                order by
                    {% if version_column -%}
                    {{ version_column }} desc nulls last,
                    {% endif -%}
                    _loaded_at desc nulls last,
                    _source_file desc nulls last,
                    _source_line desc nulls last
            ) as _version_rank
        from {{ relation }}
    ) as ranked_versions
    where _version_rank = 1
{%- endmacro %}
