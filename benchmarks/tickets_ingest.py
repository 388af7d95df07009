"""Recognising a large ticket export never holds it in memory (issue 13, point 8).

    python benchmarks/tickets_ingest.py            # a 200 MB export
    python benchmarks/tickets_ingest.py --mb 20    # smaller, quicker

Writes a generic-layout ticket CSV of about `--mb` MB in three shapes and times
`cs_kpi.tickets.ingest.recognised` on each in a fresh process, with its peak RSS:

- `gbk ;`: GBK with semicolons, as a Chinese Excel in a European locale saves it. It must
  be converted: every byte is decoded and written again as UTF-8 commas.
- `utf-8 ,`: already what the engine reads. Recognition reads the first MiB and the last
  64 KiB and hands the file on as it is.
- `xml 2003` (a tenth of the size): Freshdesk's "xls", parsed as a stream.

Floors, each a fresh process on the same file, measured in the same run:

- `import`: Python with cs-kpi's ingest module imported and nothing read: the RSS below
  which no recogniser can go;
- `csv copy`: the least work of any converter: Python's csv module reading the GBK file
  and writing it as UTF-8 commas, row by row, nothing kept.

Peak RSS is `ru_maxrss` of the child. Nothing here is asserted; tests/test_tickets_bench.py
runs the script on a tiny size to keep it working.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AGENTS = ("张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", "吴十")
CHANNELS = ("电话", "在线", "邮件", "微信")
HEADER = (
    "工单号",
    "客服",
    "渠道",
    "创建时间",
    "首次响应时间",
    "解决时间",
    "回复次数",
    "满意度",
    "备注",
)


def ticket_rows(count: int, seed: int = 7):
    chooser = random.Random(seed)
    for number in range(count):
        day = 1 + number % 28
        hour = 8 + number % 10
        yield (
            f"T{number:09d}",
            chooser.choice(AGENTS),
            chooser.choice(CHANNELS),
            f"2024-07-{day:02d} {hour:02d}:{number % 60:02d}",
            f"2024-07-{day:02d} {hour:02d}:{(number + 7) % 60:02d}",
            f"2024-07-{day:02d} {hour + 1:02d}:{number % 60:02d}",
            str(number % 4),
            str(1 + number % 5),
            "客户来电咨询退款进度，已答复" if number % 3 else "",
        )


def write_csv(path: Path, megabytes: float, encoding: str, delimiter: str) -> int:
    """Rows until the file reaches `megabytes` MB; returns the ticket count."""
    import csv

    target = int(megabytes * 1_000_000)
    count = 0
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(HEADER)
        rows = ticket_rows(10**10)
        while True:
            writer.writerows(next(rows) for _ in range(1_000))
            count += 1_000
            if handle.tell() >= target:
                return count


def write_xml_2003(path: Path, megabytes: float) -> int:
    from xml.sax.saxutils import escape

    target = int(megabytes * 1_000_000)
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(
            '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"'
            ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
            '<Worksheet ss:Name="Tickets"><Table>\n'
        )
        for row in itertools.chain([HEADER], ticket_rows(10**10)):
            cells = "".join(f'<Cell><Data ss:Type="String">{escape(v)}</Data></Cell>' for v in row)
            handle.write(f"<Row>{cells}</Row>\n")
            count += 1
            if count % 1_000 == 0 and handle.tell() >= target:
                break
        handle.write("</Table></Worksheet></Workbook>\n")
    return count - 1


RECOGNISE = """
import json, resource, sys, time
from pathlib import Path
from cs_kpi.tickets.ingest import recognised
start = time.perf_counter()
with recognised([Path(sys.argv[1])], {}) as (source,):
    copied = source.data_path != source.path
    size = source.data_path.stat().st_size
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "copied": copied, "data_bytes": size, "format": source.format}))
"""

IMPORT_ONLY = """
import json, resource, time
start = time.perf_counter()
import cs_kpi.tickets.ingest
print(json.dumps({"seconds": 0.0, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

CSV_COPY = """
import csv, json, resource, sys, time
start = time.perf_counter()
with open(sys.argv[1], encoding="gb18030", newline="") as source, \\
        open(sys.argv[2], "w", encoding="utf-8", newline="") as target:
    csv.writer(target, lineterminator="\\n").writerows(csv.reader(source, delimiter=";"))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def child(code: str, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200.0, help="size of the CSV exports in MB")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cs-kpi-ingest-bench-") as folder:
        work = Path(folder)
        gbk, utf8, xml = work / "gbk.csv", work / "utf8.csv", work / "export.xls"
        tickets = write_csv(gbk, options.mb, "gbk", ";")
        write_csv(utf8, options.mb, "utf-8", ",")
        xml_tickets = write_xml_2003(xml, options.mb / 10)
        rows = [
            ("floor: import", gbk, child(IMPORT_ONLY)),
            ("floor: csv copy (gbk ; → utf-8 ,)", gbk, child(CSV_COPY, str(gbk), str(work / "c"))),
            ("recognise gbk ;", gbk, child(RECOGNISE, str(gbk))),
            ("recognise utf-8 ,", utf8, child(RECOGNISE, str(utf8))),
            ("recognise xml 2003", xml, child(RECOGNISE, str(xml))),
        ]
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        load = os.getloadavg()[0]
        print(
            f"{tickets:,} tickets in the CSVs, {xml_tickets:,} in the XML; {stamp}, load {load:.1f}"
        )
        print()
        print("| run | input MB | copied | seconds | peak RSS MiB |")
        print("|---|---:|---|---:|---:|")
        for name, path, result in rows:
            copied = {True: "yes", False: "no"}.get(result.get("copied"), "—")
            print(
                f"| {name} | {path.stat().st_size / 1e6:.1f} | {copied} | "
                f"{result['seconds']:.2f} | {result['rss'] / 1024:.0f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
