"""The floor of `cs-kpi metrics` (issue 13, point 6): a DuckDB process that reads the same
ticket CSV and computes the same per-agent aggregates, and nothing else.

    python benchmarks/metrics_floor.py benchmarks/data/tickets_1000000.csv [--json]
    python benchmarks/metrics_floor.py FILE --partial      # the floor of the runs before Dec 2

The run `benchmarks/metrics.py` times is `cs-kpi metrics FILE --period 2024-Q3
--business-hours 09:00-18:00`, so per agent for 2024-Q3 (tickets created on its days) the
floor computes the seven indicators of SPEC §8 as `cs_kpi/tickets/rules.py` defines them:

- 平均响应时长: mean working seconds from creation to first response, on the business clock
  W(t) = cum[day] + work[day] × clamp(time − 09:00, 0, 9 h) of the mainland calendar with
  调休 (the `chinesecalendar` package's public tables; Monday–Friday in a year it does not
  know), rounded to 1 decimal;
- 工单处理及时率: tickets solved within 24 h (wall-clock) / tickets;
- 客户满意度评分: mean rating (the file's 1–5 scale), rounded to 2;
- 一次性解决率: solved tickets with fewer than two replies, never reopened / solved tickets;
- 投诉率: complaints / tickets;
- 重复投诉率: complaints whose customer complained before within 30 days (any agent, any
  day in the file) / complaints;
- 人均日处理量: tickets / working days of the period, rounded to 1.

Rows whose creation time is not a time, or answered or resolved before it, are left out,
as cs-kpi leaves out unusable rows. The generic Chinese layout of
benchmarks/ticket_export.py, its times naive. No row numbers, no unusable-row list, no
per-channel or day-by-day table, no report: any tool must at least read the file and
compute these, and DuckDB is the fastest we know at that. `--json` prints the per-agent
values, which `benchmarks/metrics.py` compares with cs-kpi's (`FLOOR_KEYS`).

`--partial` runs the floor the benchmark used until Dec 2: the same read, but wall-clock
response time and no 重复投诉率 or 人均日处理量 (no calendar, no window), so it did less
than cs-kpi does; it is kept to compare with the figures measured against it.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import chinese_calendar
import duckdb

PERIOD_FIRST = dt.date(2024, 7, 1)  # --period 2024-Q3
PERIOD_LAST = dt.date(2024, 9, 30)
DAY_START, DAY_END = 9 * 3600, 18 * 3600  # --business-hours 09:00-18:00

# cs-kpi's JSON keys of the values the floor computes, in the floor's column order.
FLOOR_KEYS = (
    "tickets",
    "average_response_seconds",
    "on_time_rate",
    "csat",
    "first_contact_resolution",
    "complaint_rate",
    "repeat_complaint_rate",
    "tickets_per_working_day",
)

# Per day of 2000–2049 (cs-kpi's business clock covers the same years): its epoch day,
# whether it is a working day, and the working seconds of every day before it.
CALENDAR = """
CREATE TABLE cal AS
SELECT day, work,
    coalesce(sum(work * $length) OVER (ORDER BY day
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS cum
FROM (
    SELECT (d - DATE '1970-01-01')::INTEGER AS day,
        CASE WHEN list_contains($workdays, d) THEN 1
             WHEN list_contains($holidays, d) THEN 0
             WHEN isodow(d) < 6 THEN 1 ELSE 0 END AS work
    FROM (SELECT unnest(range(DATE '2000-01-01', DATE '2050-01-01', INTERVAL 1 DAY))::DATE AS d)
)
"""

QUERY = """
WITH t AS (
    SELECT
        客服 AS agent,
        客户ID AS customer,
        epoch(try_strptime(创建时间, '%Y-%m-%d %H:%M:%S'))::BIGINT AS created,
        epoch(try_strptime(首次响应时间, '%Y-%m-%d %H:%M:%S'))::BIGINT AS responded,
        epoch(try_strptime(解决时间, '%Y-%m-%d %H:%M:%S'))::BIGINT AS resolved,
        try_cast(回复次数 AS INTEGER) AS replies,
        try_cast(满意度 AS DOUBLE) AS rating,
        是否投诉 = '是' AS complaint,
        是否重开 = '是' AS reopened
    FROM read_csv($path, all_varchar = true, header = true)
),
usable AS (
    SELECT * FROM t
    WHERE created IS NOT NULL
      AND (responded IS NULL OR responded >= created)
      AND (resolved IS NULL OR resolved >= created)
),
repeats AS (
    SELECT agent, created,
        coalesce(customer <> '' AND created - lag(created) OVER (
            PARTITION BY customer ORDER BY created) <= 30 * 86400, false) AS repeat
    FROM usable WHERE complaint
),
clocked AS (
    SELECT u.*,
        (r.cum + r.work * least(greatest(u.responded % 86400 - $start, 0), $length))
      - (c.cum + c.work * least(greatest(u.created % 86400 - $start, 0), $length)) AS business
    FROM usable u
    LEFT JOIN cal c ON c.day = u.created // 86400
    LEFT JOIN cal r ON r.day = u.responded // 86400
    WHERE u.created >= $lo AND u.created < $hi
),
per_agent AS (
    SELECT agent,
        count(*) AS tickets,
        round(avg(business), 1) AS response,
        avg(CASE WHEN resolved - created <= 86400 THEN 1 ELSE 0 END) AS on_time,
        round(avg(rating), 2) AS csat,
        avg(CASE WHEN replies < 2 AND NOT reopened THEN 1 ELSE 0 END) FILTER (
            WHERE resolved IS NOT NULL AND replies IS NOT NULL AND reopened IS NOT NULL
        ) AS fcr,
        avg(complaint::INTEGER) AS complaint_rate
    FROM clocked GROUP BY agent
),
repeat_rate AS (
    SELECT agent, avg(repeat::INTEGER) AS repeat_rate
    FROM repeats WHERE created >= $lo AND created < $hi GROUP BY agent
),
working AS (
    SELECT sum(work) AS days FROM cal WHERE day BETWEEN $first_day AND $last_day
)
SELECT p.*, coalesce(q.repeat_rate, 0) AS repeat_rate, round(p.tickets / w.days, 1) AS daily
FROM per_agent p LEFT JOIN repeat_rate q USING (agent), working w
ORDER BY agent
"""

PARTIAL_QUERY = """
WITH t AS (
    SELECT
        客服 AS agent,
        try_strptime(创建时间, '%Y-%m-%d %H:%M:%S') AS created,
        try_strptime(首次响应时间, '%Y-%m-%d %H:%M:%S') AS responded,
        try_strptime(解决时间, '%Y-%m-%d %H:%M:%S') AS resolved,
        try_cast(回复次数 AS INTEGER) AS replies,
        try_cast(满意度 AS DOUBLE) AS rating,
        是否投诉 = '是' AS complaint,
        是否重开 = '是' AS reopened
    FROM read_csv(?, all_varchar = true, header = true)
)
SELECT
    agent,
    count(*) AS tickets,
    avg(epoch(responded) - epoch(created)) AS response,
    avg(CASE WHEN epoch(resolved) - epoch(created) <= 86400 THEN 1 ELSE 0 END) AS on_time,
    avg(rating) AS csat,
    avg(CASE WHEN replies < 2 AND NOT reopened THEN 1 ELSE 0 END)
        FILTER (WHERE resolved IS NOT NULL) AS fcr,
    avg(complaint::INTEGER) AS complaint_rate
FROM t
WHERE created >= TIMESTAMP '2024-07-01' AND created < TIMESTAMP '2024-10-01'
GROUP BY agent
ORDER BY agent
"""


def _epoch_day(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def per_agent(path: str) -> list[tuple]:
    """(agent, *FLOOR_KEYS values) per agent, sorted by agent."""
    connection = duckdb.connect()
    connection.execute(
        CALENDAR,
        {
            "length": DAY_END - DAY_START,
            "workdays": sorted(chinese_calendar.workdays),
            "holidays": sorted(chinese_calendar.holidays),
        },
    )
    first, last = _epoch_day(PERIOD_FIRST), _epoch_day(PERIOD_LAST)
    parameters = {
        "path": path,
        "start": DAY_START,
        "length": DAY_END - DAY_START,
        "lo": first * 86400,
        "hi": (last + 1) * 86400,
        "first_day": first,
        "last_day": last,
    }
    return connection.execute(QUERY, parameters).fetchall()


def main(arguments: list[str]) -> None:
    path = arguments[0]
    if "--partial" in arguments:
        if "--json" in arguments:
            raise SystemExit("--json prints the full floor's values; --partial has fewer")
        rows = duckdb.connect().execute(PARTIAL_QUERY, [path]).fetchall()
    else:
        rows = per_agent(path)
    if "--json" in arguments:
        print(json.dumps({row[0]: dict(zip(FLOOR_KEYS, row[1:], strict=True)) for row in rows}))
    else:
        print(f"{len(rows)} agents")


if __name__ == "__main__":
    main(sys.argv[1:])
