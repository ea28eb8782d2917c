{#
    Business minutes of time intervals, on the business calendar (int_service__business_calendar:
    one row per day with is_business_day, business_opens_at, business_closes_at).
    Returns a query: one row per interval key with business_minutes, the sum over business days of
    the overlap between the interval and that day's opening hours. Portable SQL (a join to the
    calendar and dbt's datediff), so it runs unchanged on Spark and Trino.

    intervals:     a CTE or relation with one row per key
    key:           the key column
    start_column:  interval start (timestamp)
    end_column:    interval end (timestamp)
    calendar:      a CTE or relation shaped like int_service__business_calendar
    A null start or end gives null; an interval outside opening hours gives 0.
#}
{% macro business_minutes_of_intervals(intervals, key, start_column, end_column, calendar) -%}
    {%- set overlap_seconds -%}
                coalesce(sum(
                    case
                        when calendar.calendar_date is null then 0
                        when
                            calendar.business_opens_at >= intervals.{{ end_column }}
                            or calendar.business_closes_at <= intervals.{{ start_column }}
                            then 0
                        else {{ dbt.datediff(
                            "case when intervals." ~ start_column ~ " > calendar.business_opens_at"
                            ~ " then intervals." ~ start_column ~ " else calendar.business_opens_at end",
                            "case when intervals." ~ end_column ~ " < calendar.business_closes_at"
                            ~ " then intervals." ~ end_column ~ " else calendar.business_closes_at end",
                            "second"
                        ) }}
                    end
                ), 0)
    {%- endset %}
    select
        intervals.{{ key }},
        case
            when
                max(intervals.{{ start_column }}) is not null
                and max(intervals.{{ end_column }}) is not null
                then {{ double_division(overlap_seconds, '60.0') }}
        end as business_minutes
    from {{ intervals }} as intervals
    left join {{ calendar }} as calendar
        on
            calendar.is_business_day
            and calendar.calendar_date >= cast(intervals.{{ start_column }} as date)
            and calendar.calendar_date <= cast(intervals.{{ end_column }} as date)
    group by intervals.{{ key }}
{%- endmacro %}
