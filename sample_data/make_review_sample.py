"""Generate `04_performance_review_2024Q3.xlsx`: a filled appraisal quarter for a 30-person team.

Run from the repository root:

    python sample_data/make_review_sample.py [OUTPUT]

The workbook is the zh template (`cs_kpi.templates.build_template` with
`--period 2024-Q3` and the roster below), filled cell by cell with openpyxl
so its drop-downs, formats and preview formulas stay as a supervisor would
have them. Deterministic: a fixed random seed, no clock.

What it contains, on purpose:
- two teams (一组, 二组), each led by a 组长 who is the manager of its agents;
  the leads report to 主管 陈静 (not assessed, so not in the roster);
- indicator actuals that beat, meet and miss their targets, with % values typed
  in every accepted form: fractions in %-formatted cells (0.972), text with a
  % sign ("97.5%"), one plain number of points in a General cell (97 → a
  warning) and units in text ("28秒", "4.7分", "3条");
- 9 review items per person; CS008 rates himself 9 on 沟通表达能力 against a
  manager 5 (a calibration case, self highest); CS020 has a spread of 3 where
  the self score is the lowest;
- CS014 has no peer score for 专业知识 (flagged as missing a review);
- CS005's 互评 for 会议参与率 and 信息同步及时性 is blank and comes from 互评明细;
- CS027 scores far below 70 and CS012 just below it: mandatory improvement plans.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl

from cs_kpi.review.model import Person
from cs_kpi.schema import DEFAULT_INDICATORS, DEFAULT_REVIEW_ITEMS, KINDS_BY_KEY
from cs_kpi.templates import FIRST_ROW, build_template

SEED = 20240930
PERIOD = "2024-Q3"
OUTPUT = Path(__file__).with_name("04_performance_review_2024Q3.xlsx")
# The quarter before, so that scoring both shows the cycle of SPEC §11 (README "History"):
# the same people, other scores; CS027 below 70 again (调岗评估), CS012 above it in Q2.
PREVIOUS_SEED = 20240630
PREVIOUS_PERIOD = "2024-Q2"
PREVIOUS_OUTPUT = Path(__file__).with_name("04_performance_review_2024Q2.xlsx")
SUPERVISOR = "陈静"

TEAMS = {
    "一组": (
        "王磊",
        [
            "李娜", "张伟", "刘芳", "陈晨", "杨洋", "赵敏", "黄磊",
            "周婷", "吴昊", "徐静", "孙悦", "马超", "朱琳", "胡斌",
        ],
    ),
    "二组": (
        "刘洋",
        [
            "郭佳", "何勇", "高雪", "林峰", "罗丹", "梁宇", "宋倩",
            "郑凯", "谢颖", "韩冰", "唐杰", "冯雨", "董浩", "萧然",
        ],
    ),
}  # fmt: skip

# Who is who in the scenarios above.
CALIBRATION_SELF_HIGH = "CS008"
CALIBRATION_SELF_LOW = "CS020"
MISSING_PEER = "CS014"
PEER_FROM_DETAIL = "CS005"
FAR_BELOW = "CS027"
JUST_BELOW = "CS012"


def roster(rng: random.Random) -> list[Person]:
    people: list[Person] = []
    number = 1
    for team, (lead, agents) in TEAMS.items():
        people.append(
            Person(f"CS{number:03d}", lead, team, "lead", _hire_date(rng, 2016, 2019), SUPERVISOR)
        )
        number += 1
        for name in agents:
            people.append(
                Person(f"CS{number:03d}", name, team, "agent", _hire_date(rng, 2019, 2024), lead)
            )
            number += 1
    return people


def _hire_date(rng: random.Random, first: int, last: int) -> dt.date:
    start = dt.date(first, 1, 1)
    end = dt.date(last, 3, 31)
    return start + dt.timedelta(days=rng.randrange((end - start).days))


# ---------------------------------------------------------------- indicator actuals
def actuals(
    person: Person, index: int, rng: random.Random, below: frozenset[str] = frozenset()
) -> list[object]:
    """One row of 指标数据 in DEFAULT_INDICATORS order, typed the way people type. `below`:
    the people who score below the improvement threshold this quarter."""
    if person.id == FAR_BELOW and person.id in below:
        return [45, 0.93, 4.0, 0.80, 0, 0.7]
    if person.id == JUST_BELOW and person.id in below:
        return [38, 0.95, 4.3, 0.85, 1, 0.8]
    response = rng.choice([24, 26, 27, 28, 29, 30, 31, 32, 33, 35, 37])
    on_time = Decimal(rng.randrange(960, 1001)) / 1000
    csat = Decimal(rng.randrange(43, 50)) / 10
    fcr = Decimal(rng.randrange(845, 950)) / 1000
    kb = rng.choice([1, 2, 3, 3, 4, 5, 6])
    training = rng.choice([Decimal("0.9"), Decimal(1), Decimal(1), Decimal(1)])
    row: list[object] = [response, on_time, csat, fcr, kb, training]
    # A mix of typed forms (SPEC §4.2), spread over the team.
    if index % 7 == 3:
        row[0] = f"{response}秒"
    if index % 5 == 1:
        row[1] = f"{on_time * 100:.1f}%"
    if index % 9 == 4:
        row[2] = f"{csat}分"
    if index % 6 == 2:
        row[3] = f"{fcr * 100:.1f}%"
    if index % 8 == 5:
        row[4] = f"{kb}条"
    if index % 4 == 0:
        row[5] = f"{training * 100:.0f}%"
    return row


POINTS_CELL = ("CS017", 1)  # 工单处理及时率 typed as 97 in a General cell → warning


# ---------------------------------------------------------------- 360 scores
def scores(
    person: Person, rng: random.Random, below: frozenset[str] = frozenset()
) -> list[tuple[object, object, object]]:
    """(self, peer, manager) for each default review item."""
    if person.id == FAR_BELOW and person.id in below:
        level = 5.5
    elif person.id == JUST_BELOW and person.id in below:
        level = 6.5
    else:
        level = rng.uniform(6.8, 9.1)
    rows = []
    for _ in DEFAULT_REVIEW_ITEMS:
        manager = _half(level + rng.uniform(-0.8, 0.8))
        peer = _half(level + rng.uniform(-0.8, 0.8))
        self_score = _half(level + 0.4 + rng.uniform(-0.5, 0.8))
        rows.append((self_score, peer, manager))
    return rows


def _half(value: float) -> float:
    """Scores are typed in half points, 0–10."""
    return min(10.0, max(0.0, round(value * 2) / 2))


def _item_index(name: str) -> int:
    return [item.item for item in DEFAULT_REVIEW_ITEMS].index(name)


def special_cases(person_id: str, rows: list[list[object]]) -> None:
    if person_id == CALIBRATION_SELF_HIGH:
        rows[_item_index("沟通表达能力")] = [9, 7, 5]
    if person_id == CALIBRATION_SELF_LOW:
        rows[_item_index("目标达成率")] = [6, 9, 9]
    if person_id == MISSING_PEER:
        rows[_item_index("专业知识")][1] = None
    if person_id == PEER_FROM_DETAIL:
        for item in ("会议参与率", "信息同步及时性"):
            rows[_item_index(item)][1] = None


PEER_DETAIL = [
    # 评价人, 被评价人工号, 评分项, 分数
    ("李娜", PEER_FROM_DETAIL, "会议参与率", 8),
    ("刘芳", PEER_FROM_DETAIL, "会议参与率", 9),
    ("杨洋", PEER_FROM_DETAIL, "会议参与率", 8.5),
    ("李娜", PEER_FROM_DETAIL, "信息同步及时性", 7),
    ("刘芳", PEER_FROM_DETAIL, "信息同步及时性", 8),
    ("杨洋", PEER_FROM_DETAIL, "信息同步及时性", 7.5),
]


# ---------------------------------------------------------------- the workbook
def make(output: Path = OUTPUT) -> Path:
    """The 2024-Q3 quarter, with every scenario of the module docstring."""
    rng = random.Random(SEED)
    people = roster(rng)
    book = _blank(people, PERIOD)
    below = frozenset({FAR_BELOW, JUST_BELOW})
    fill_metrics(book["指标数据"], people, rng, below, points_cell=True)
    fill_reviews(book["360评价"], people, rng, below, special=True)
    fill_peer_detail(book["互评明细"])
    return _save(book, output)


def make_previous(output: Path = PREVIOUS_OUTPUT) -> Path:
    """The 2024-Q2 quarter: the same roster (hired on the same days), scores drawn anew, only
    CS027 below 70; no calibration, missing-review or 互评明细 scenarios."""
    people = roster(random.Random(SEED))
    rng = random.Random(PREVIOUS_SEED)
    book = _blank(people, PREVIOUS_PERIOD)
    below = frozenset({FAR_BELOW})
    fill_metrics(book["指标数据"], people, rng, below, points_cell=False)
    fill_reviews(book["360评价"], people, rng, below, special=False)
    return _save(book, output)


def _blank(people: list[Person], period: str):
    kind = KINDS_BY_KEY["performance-review"]
    with tempfile.TemporaryDirectory() as folder:
        blank = Path(folder) / kind.file_name
        build_template(kind, blank, "zh", period=period, roster=people)
        return openpyxl.load_workbook(blank)


def _save(book, output: Path) -> Path:
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    book.save(output)
    return output


def fill_metrics(
    sheet, people: list[Person], rng: random.Random, below: frozenset[str], points_cell: bool
) -> None:
    first = FIRST_ROW + 1
    for index, person in enumerate(people):
        row = first + index
        assert sheet.cell(row, 1).value == person.id
        for offset, value in enumerate(actuals(person, index, rng, below)):
            cell = sheet.cell(row, 3 + offset)
            cell.value = float(value) if isinstance(value, Decimal) else value
        if points_cell and person.id == POINTS_CELL[0]:
            cell = sheet.cell(row, 3 + POINTS_CELL[1])
            cell.value = 97
            cell.number_format = "General"
    assert sheet.cell(FIRST_ROW, 3).value == DEFAULT_INDICATORS[0].name


def fill_reviews(
    sheet, people: list[Person], rng: random.Random, below: frozenset[str], special: bool
) -> None:
    row = FIRST_ROW + 1
    for person in people:
        rows = [list(triple) for triple in scores(person, rng, below)]
        if special:
            special_cases(person.id, rows)
        for item, (self_score, peer, manager) in zip(DEFAULT_REVIEW_ITEMS, rows, strict=True):
            assert sheet.cell(row, 1).value == person.id
            assert sheet.cell(row, 3).value == item.item
            sheet.cell(row, 4).value = self_score
            sheet.cell(row, 5).value = peer
            sheet.cell(row, 6).value = manager
            row += 1


def fill_peer_detail(sheet) -> None:
    for index, values in enumerate(PEER_DETAIL):
        for col, value in enumerate(values, start=1):
            sheet.cell(FIRST_ROW + 1 + index, col).value = value


if __name__ == "__main__":
    if len(sys.argv) > 1:  # one quarter, 2024-Q3, to the path given
        print(make(Path(sys.argv[1])))
    else:
        print(make_previous())
        print(make())
