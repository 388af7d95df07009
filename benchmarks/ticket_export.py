"""Generate a help-desk ticket export at contact-centre scale (issue 13, point 6).

    python benchmarks/ticket_export.py 1000000 benchmarks/data/tickets_1m.csv

The generic Chinese layout of SPEC §8 (工单号 · 客服 · 渠道 · 创建时间 · 首次响应时间 · 解决时间 ·
回复次数 · 满意度 · 是否投诉 · 是否重开 · 客户ID), UTF-8, comma-separated, the header on line 1:
the file the engine reads as it is. Tickets of 2024-Q3 spread over 400 agents and 200,000
customers; times naive (Asia/Shanghai); about 8% unsolved, 60% rated 1–5, 3% complaints.
Columns are built as numpy arrays and written by polars in blocks of a million rows, so 20
million tickets (about 2 GB) take a few minutes, not an hour. Reproducible (fixed seed).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HEADER = (
    "工单号",
    "客服",
    "渠道",
    "创建时间",
    "首次响应时间",
    "解决时间",
    "回复次数",
    "满意度",
    "是否投诉",
    "是否重开",
    "客户ID",
)
AGENTS = 400
CUSTOMERS = 200_000
CHANNELS = ("在线", "电话", "邮件", "微信")
BLOCK = 1_000_000
Q3_START = np.datetime64("2024-07-01T00:00:00")
Q3_SECONDS = 92 * 86_400


def agent_names(count: int = AGENTS) -> list[str]:
    """客服001 … : names the roster of the benchmark can match."""
    return [f"客服{n:03d}" for n in range(1, count + 1)]


def _times(seconds: np.ndarray) -> np.ndarray:
    """'2024-07-01 09:12:33' strings for offsets in seconds from the quarter's start."""
    stamps = (Q3_START + seconds.astype("timedelta64[s]")).astype("datetime64[s]")
    return np.char.replace(stamps.astype(str), "T", " ")


def block(first: int, size: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Columns of tickets `first` … `first + size - 1`, as text."""
    names = np.array(agent_names())
    created = rng.integers(0, Q3_SECONDS - 86_400 * 3, size)
    response = rng.exponential(900, size).astype(np.int64) + 5
    resolution = response + rng.exponential(8 * 3600, size).astype(np.int64)
    solved = rng.random(size) > 0.08
    rated = rng.random(size) < 0.6
    resolved_text = np.where(solved, _times(created + resolution), "")
    return {
        "工单号": np.char.add("T", np.arange(first, first + size).astype(str)),
        "客服": names[rng.integers(0, AGENTS, size)],
        "渠道": np.array(CHANNELS)[rng.integers(0, len(CHANNELS), size)],
        "创建时间": _times(created),
        "首次响应时间": _times(created + response),
        "解决时间": resolved_text,
        "回复次数": rng.integers(0, 5, size).astype(str),
        "满意度": np.where(rated, rng.integers(1, 6, size).astype(str), ""),
        "是否投诉": np.where(rng.random(size) < 0.03, "是", "否"),
        "是否重开": np.where(rng.random(size) < 0.05, "是", "否"),
        "客户ID": np.char.add("C", rng.integers(0, CUSTOMERS, size).astype(str)),
    }


def write_export(tickets: int, path: Path, seed: int = 13) -> Path:
    import polars as pl

    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for first in range(0, tickets, BLOCK):
            size = min(BLOCK, tickets - first)
            frame = pl.DataFrame(block(first + 1, size, rng))
            frame.write_csv(out, include_header=first == 0)
    return path


if __name__ == "__main__":
    count, target = int(sys.argv[1]), Path(sys.argv[2])
    write_export(count, target)
    print(f"{count:,} tickets → {target} ({target.stat().st_size / 2**20:,.0f} MiB)")
