"""The floor of `cs-kpi metrics` (issue 13, point 6): a DuckDB process that reads the same
ticket CSV and computes the same per-agent aggregates, and nothing else.

    python benchmarks/metrics_floor.py benchmarks/data/tickets_1m.csv

Per agent for 2024-Q3: tickets, mean first-response seconds, share solved within 24 h,
mean rating, first-contact resolution (solved, fewer than two replies, never reopened),
complaint rate — the generic Chinese layout of benchmarks/ticket_export.py, its times
naive. No row numbers, no unusable-row list, no calendar, no report: any tool must at
least read the file and group it, and DuckDB is the fastest we know at that.
"""

from __future__ import annotations

import sys

import duckdb

QUERY = """
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


def main(path: str) -> None:
    rows = duckdb.connect().execute(QUERY, [path]).fetchall()
    print(f"{len(rows)} agents")


if __name__ == "__main__":
    main(sys.argv[1])
