"""The `score` report workbook (SPEC §5) and the improvement-plan workbook (SPEC §3.5).

Every sheet goes through the writer layer (`cs_kpi.writer`): its frame —
title and header rows, widths, frozen panes, filters, print settings — by
`SheetWriter`, its rows as declarative column lists (`Column`: label, kind,
value getter) by `Table`. The big row-per-person sheets (成绩汇总, 指标明细,
360明细, 校准, 缺评, 改进计划) are streamed (`writer.stream`): their rows are
rendered straight to SpreadsheetML after xlsxwriter closes the file, ~5×
faster than xlsxwriter's own cell calls at 10,000 people. Everything is
computed first and written top to bottom; widths are fitted from the
distinct texts of each column.

Every text that came from the input (names, teams, items, indicators,
suggestions) is a string cell, so `=1+1` or `+86…` stays text.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from cs_kpi import __version__, vocab
from cs_kpi.cellrefs import column_number
from cs_kpi.i18n import Msg, Text, register_codes, tr
from cs_kpi.labels import normalize_label
from cs_kpi.numbers import pct_text, plain_number, round2
from cs_kpi.problems import Problem
from cs_kpi.review.model import (
    AgentResult,
    Indicator,
    PlanRow,
    ReviewInput,
    Scheme,
    ScoreResult,
    grade_scale,
)
from cs_kpi.review.rules import DIMENSION_CLASH, clash_key
from cs_kpi.review.trend import Trend, TrendRow
from cs_kpi.schema import (
    CALIBRATED,
    DIRECTION,
    GRADE_SCHEME,
    INDICATORS,
    METHOD,
    PLAN,
    PLAN_STATUS,
    REVIEW_ITEMS,
    REVIEWS,
    ROSTER,
    SCHEME,
    TEMPLATE_VERSION,
    YES_NO,
)
from cs_kpi.writer.cells import fit_width, merge_text, text_width, write_value
from cs_kpi.writer.sheet import SheetWriter, new_workbook, row_height
from cs_kpi.writer.stream import RowStream, splice
from cs_kpi.writer.style import (
    FONT,
    PALETTE,
    SHARE_DECIMALS,
    Styles,
    percent_decimals,
    percent_format,
)
from cs_kpi.writer.table import Column, Table

PLAN_VALIDATION_SPARE_ROWS = 200  # drop-downs also cover rows typed in later
PLAN_WRAP = {"shortfall": 36, "goal": 26, "actions": 44}  # fixed widths of wrapped columns

ROUNDING_RULE = Text(
    "每一步四舍五入到 2 位小数，并用显示值计算下一步；等级按显示的总分判定",
    "Every step is rounded half-up to 2 decimals and the next step uses the shown "
    "value; the grade is taken from the shown total",
)


# SPEC §4.3: a share is shown rounded and the cell stores the shown value (1/3 → 33.3%).
SHARE_QUANTUM = Decimal(1).scaleb(-(SHARE_DECIMALS + 2))


# ---------------------------------------------------------------- small helpers
def _shown_share(share: Decimal | None) -> Decimal | None:
    """A grade share as the report shows and stores it: 0.3333 → 0.333 (33.3%)."""
    return None if share is None else share.quantize(SHARE_QUANTUM, rounding=ROUND_HALF_UP)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _plain(value: Decimal | None) -> str:
    """A Decimal as typed: 15, 0.1, 4.5 (no exponent, no trailing zeros)."""
    return "" if value is None else plain_number(value)


def _pct_text(fraction: Decimal | None) -> str:
    """0.9 → '90%', 0.985 → '98.5%'."""
    return "" if fraction is None else pct_text(fraction)


def _value_text(value: Decimal | None, indicator: Indicator) -> str:
    return _pct_text(value) if indicator.is_percent else _plain(value)


def _mean(values: Sequence[Decimal]) -> Decimal | None:
    return round2(sum(values, Decimal(0)) / len(values)) if values else None


class _Context:
    """What every sheet writer needs: the result, the input, the language and the formats."""

    def __init__(
        self,
        workbook: Any,
        result: ScoreResult,
        data: ReviewInput | None,
        lang: str,
        team: str | None = None,
        everyone: Sequence[AgentResult] | None = None,
    ):
        self.workbook = workbook
        self.result = result
        self.data = data
        self.lang = lang
        # `score --by-team` (SPEC §12): `result` holds one team's people, `everyone` every
        # person's result, from which the overall figures are taken.
        self.team = team
        self.everyone = list(result.agents if everyone is None else everyone)
        self.styles = Styles(workbook)
        self.tables: list[Table] = []
        self.notes: list[Msg] = []  # the writer's own warnings, listed in 计算说明
        self.period = (result.scheme.period or "").strip()
        self.bands = vocab.grade_bands(result.scheme.grade_scheme)
        self._grade_labels = self._labels_from_result()
        self.dimensions = self._dimensions()

    # -- formats
    def fmt(self, kind: str = "text", **extra: Any) -> Any:
        return self.styles.cell(kind, **extra)

    def tr(self, zh: str, en: str, **values: Any) -> str:
        return tr(self.lang, zh, en, **values)

    def title(self, key: str) -> str:
        """'2024-Q3 指标明细'; the first sheet reads '2024-Q3 绩效考核结果'."""
        if key == "scores":
            name = self.tr("绩效考核结果", "Performance review results")
        elif key == "plan_book":
            name = PLAN.name(self.lang)
        else:
            name = vocab.SCORE_SHEETS[key](self.lang)
        if self.team is not None:  # one team's report (SPEC §12): every title names it
            name = f"{self.team_label} {name}"
            if key == "scores":
                name += self.tr(
                    "（仅含本团队人员；排名、等级分布与配额按全体 {n} 人计算）",
                    " (this team's people only; ranks, grade counts and quotas are over all "
                    "{n} people)",
                    n=len(self.everyone),
                )
        return f"{self.period} {name}".strip()

    @property
    def team_label(self) -> str:
        return self.team or self.tr("（未分组）", "(no team)")

    def sheet(self, key: str, name: str | None = None) -> SheetWriter:
        return SheetWriter(self.workbook, self.styles, name or vocab.SCORE_SHEETS[key](self.lang))

    def table(
        self,
        key: str,
        cols: list[Column],
        streamed: bool = True,
        name: str | None = None,
        groups: Sequence[tuple[int, int, str]] = (),
    ) -> Table:
        """A data sheet: title row 1, header row 2 (3 under group headings); streamed rows
        for the big sheets."""
        table = Table(self.sheet(key, name), cols, self.title(key), streamed, groups=groups)
        self.tables.append(table)
        return table

    def finish(self, table: Table, **options: Any) -> None:
        table.finish(**options)
        if table.dropped:
            self.notes.append(
                ROWS_DROPPED.msg(
                    sheet=table.sheet.name, max=f"{table.max_rows:,}", n=f"{table.dropped:,}"
                )
            )

    def streams(self) -> list[RowStream]:
        return [table.stream for table in self.tables if table.stream is not None]

    # -- grades
    def _labels_from_result(self) -> dict[str, str]:
        """Grade labels as the rules gave them; the scale fills the gaps."""
        scheme = self.result.scheme.grade_scheme
        labels = {grade.code: grade.label(self.lang) for grade in grade_scale(scheme)}
        for agent in self.everyone:
            if agent.grade is not None:
                labels[agent.grade.code] = agent.grade.label(self.lang)
        return labels

    def grade_codes(self) -> list[str]:
        codes = [band.grade.code for band in self.bands]
        extra = [s.code for s in self.result.grade_shares if s.code not in codes]
        extra += [c for c in self.result.grade_counts if c not in codes and c not in extra]
        return codes + extra

    def grade_label(self, code: str) -> str:
        return self._grade_labels.get(code, code)

    @property
    def has_quotas(self) -> bool:
        """Quotas exist under the SABC scheme only (SPEC §4.3): no quota columns otherwise."""
        return self.result.scheme.grade_scheme == "sabc"

    def quota(self, code: str) -> str:
        for share in self.result.grade_shares:
            if share.code == code:
                return share.quota
        return ""

    # -- dimensions: review dimensions, then indicator dimensions, as in the workbook
    def _dimensions(self) -> list[tuple[str, str, bool]]:
        """(key in AgentResult.dimensions, column label, is a review dimension), review
        dimensions first. An indicator dimension named like a review dimension has the
        rules' key ("服务质量（指标）") and a label in the report's language."""
        result, data = self.result, self.data
        review = result.review_dimension_names or (
            [item.dimension for item in data.items] if data else []
        )
        metric = result.metric_dimension_names or (
            [indicator.dimension for indicator in data.indicators] if data else []
        )
        review = [name for name in _unique(review) if name]
        names = [(name, name, True) for name in review]
        for name in _unique(metric):
            if name in review:
                names.append((clash_key(name), DIMENSION_CLASH(self.lang, name=name), False))
            elif name:
                names.append((name, name, False))
        known = {key for key, _, _ in names}
        for agent in self.everyone:  # anything else the rules scored, in order of appearance
            for key in agent.dimensions:
                if key not in known:
                    known.add(key)
                    names.append((key, key, key in agent.review_dimensions))
        return names

    def flag_text(self, flags: list[str]) -> str:
        threshold = self.result.scheme.improvement_threshold
        return vocab.flag_text(flags, self.lang, improvement_threshold=threshold)


# ---------------------------------------------------------------- public API
def write_report(
    result: ScoreResult,
    data: ReviewInput,
    target: Path,
    lang: str,
    warnings: list[Problem],
    trend: Trend | None = None,
    team: str | None = None,
    everyone: Sequence[AgentResult] | None = None,
) -> None:
    """Write the report workbook of SPEC §5 to `target` (a temp path; the caller renames);
    with `trend` (the history's earlier periods, read before writing) the 历史趋势 sheet.
    With `team` (`score --by-team`), `result` holds that team's people and `everyone` every
    person's result: the titles name the team, the overall figures of 团队统计 stay over
    everyone, and 计算说明 counts the warnings instead of listing them (they may name
    people of other teams)."""
    properties = {
        vocab.KIND_PROPERTY: vocab.SCORE_REPORT_KIND,
        vocab.CS_KPI_VERSION_PROPERTY: __version__,
    }
    workbook = new_workbook(Path(target), properties, constant_memory=True)
    ctx = _Context(workbook, result, data, lang, team, everyone)
    workbook.set_properties(
        {"title": ctx.title("scores"), "author": "cs-kpi", "comments": f"cs-kpi {__version__}"}
    )
    _scores_sheet(ctx)
    _indicator_sheet(ctx)
    _review_sheet(ctx)
    _team_sheet(ctx)
    if trend is not None:
        _trend_sheet(ctx, trend)
    _calibration_sheet(ctx)
    _missing_sheet(ctx)
    _plan_sheet(ctx, "plan", result.plan)
    _dates_sheet(ctx)
    _settings_sheet(ctx, warnings)
    workbook.close()
    splice(Path(target), ctx.streams())


def write_plan_workbook(rows: list[PlanRow], target: Path, lang: str) -> None:
    """Write the improvement plan in the §3.5 layout, filled, ready to track."""
    properties = {
        vocab.KIND_PROPERTY: vocab.PLAN_KIND,
        vocab.TEMPLATE_VERSION_PROPERTY: TEMPLATE_VERSION,
        vocab.CS_KPI_VERSION_PROPERTY: __version__,
    }
    workbook = new_workbook(Path(target), properties, constant_memory=True)
    period = next((row.period for row in rows if row.period), "")
    result = ScoreResult(Scheme(period=period), [], {}, [], [], rows, None)
    ctx = _Context(workbook, result, None, lang)
    workbook.set_properties({"title": ctx.title("plan_book"), "author": "cs-kpi"})
    _plan_sheet(ctx, "plan_book", rows)
    workbook.close()
    splice(Path(target), ctx.streams())


# ---------------------------------------------------------------- 成绩汇总
def _scores_sheet(ctx: _Context) -> None:
    """One row per person (SPEC §5): the row item is an AgentResult."""
    lang = ctx.lang
    cols = [
        *_person_cols(lang, attrgetter("person.id"), attrgetter("person.name")),
        Column(ROSTER.column("team").label(lang), value=attrgetter("person.team"), minimum=8),
        Column(ctx.tr("指标得分", "Metric score"), "score", attrgetter("metric_score")),
        Column(ctx.tr("360评价得分", "Review score"), "score", attrgetter("review_score")),
        *(
            Column(label, "score", _dimension_getter(key), maximum=16)
            for key, label, _ in ctx.dimensions
        ),
        Column(ctx.tr("总分", "Total"), "score", attrgetter("total")),
        Column(ctx.tr("等级", "Grade"), value=_grade_getter(lang), minimum=8, center=True),
        Column(ctx.tr("团队排名", "Team rank"), "int", attrgetter("team_rank")),
        Column(ctx.tr("总排名", "Rank"), "int", attrgetter("rank")),
        Column(ctx.tr("奖金系数", "Bonus coefficient"), "bonus", attrgetter("bonus_coefficient")),
        Column(
            ctx.tr("标记", "Flags"),
            value=lambda agent: ctx.flag_text(agent.flags),
            minimum=8,
            maximum=60,
        ),
    ]
    first_dim = 5
    table = ctx.table("scores", cols, groups=_dimension_groups(ctx, first_dim))
    table.add_all(ctx.result.agents)
    total_col = first_dim + len(ctx.dimensions)
    grade_col = total_col + 1
    first, last = table.first_row, table.row - 1
    if last >= first:
        _grade_colours(ctx, table.sheet, first, grade_col, last)
        table.sheet.conditional_format(
            first,
            total_col,
            last,
            total_col,
            {
                "type": "3_color_scale",
                "min_color": PALETTE.scale_low,
                "mid_color": PALETTE.scale_mid,
                "max_color": PALETTE.scale_high,
            },
        )
    ctx.finish(table, freeze_cols=2)


def _dimension_groups(ctx: _Context, first_dim: int) -> list[tuple[int, int, str]]:
    """The 360 and 指标 headings over 成绩汇总's dimension columns: one per run of
    review or indicator dimensions (review ones come first)."""
    labels = {
        True: ctx.tr("360评价维度", "Review dimensions"),
        False: ctx.tr("指标维度", "Indicator dimensions"),
    }
    groups: list[tuple[int, int, str]] = []
    for offset, (_, _, is_review) in enumerate(ctx.dimensions):
        col = first_dim + offset
        if groups and groups[-1][2] == labels[is_review] and groups[-1][1] == col - 1:
            groups[-1] = (groups[-1][0], col, groups[-1][2])
        else:
            groups.append((col, col, labels[is_review]))
    return groups


def _dimension_getter(name: str) -> Callable[[AgentResult], Any]:
    return lambda agent: agent.dimensions.get(name)


def _grade_getter(lang: str) -> Callable[[AgentResult], str | None]:
    return lambda agent: agent.grade.label(lang) if agent.grade else None


def _grade_colours(ctx: _Context, sheet: Any, first: int, col: int, last: int) -> None:
    """Grade colours (vocab.GRADE_COLOURS), matched on the label text shown."""
    for code in ctx.grade_codes():
        colour = vocab.GRADE_COLOURS.get(code)
        if not colour:
            continue
        label = ctx.grade_label(code).replace('"', '""')
        sheet.conditional_format(
            first,
            col,
            last,
            col,
            {
                "type": "cell",
                "criteria": "==",
                "value": f'"{label}"',
                "format": ctx.styles.fill(colour),
            },
        )


# ---------------------------------------------------------------- 指标明细
def _indicator_sheet(ctx: _Context) -> None:
    """Person × indicator: the row item is (person, IndicatorResult)."""
    lang = ctx.lang
    ind = INDICATORS
    yes, no = YES_NO.label("yes", lang), YES_NO.label("no", lang)
    blank = ctx.tr("未填", "Blank")

    def met(row: tuple) -> str:
        res = row[1]
        return blank if res.actual is None else (yes if res.met else no)

    cols = [
        *_person_cols(lang, lambda row: row[0].id, lambda row: row[0].name),
        Column(
            ind.column("dimension").label(lang),
            value=lambda row: row[1].indicator.dimension,
            minimum=8,
        ),
        Column(ind.column("name").label(lang), value=lambda row: row[1].indicator.name, minimum=10),
        Column(ctx.tr("实际值", "Actual"), "number", lambda row: row[1].actual),
        Column(ind.column("target").label(lang), "number", lambda row: row[1].indicator.target),
        Column(
            ind.column("unit").label(lang), value=lambda row: row[1].indicator.unit, center=True
        ),
        Column(ctx.tr("差距", "Shortfall"), "number", lambda row: row[1].shortfall),
        Column(ind.column("weight").label(lang), "number", lambda row: row[1].indicator.weight),
        Column(ctx.tr("得分", "Points"), "score", lambda row: row[1].points),
        Column(ctx.tr("是否达标", "Met?"), value=met, minimum=8, center=True),
        Column(
            ctx.tr("来源单元格", "Source cell"),
            value=lambda row: str(row[1].source) if row[1].source else None,
            minimum=12,
        ),
    ]
    table = ctx.table("indicators", cols)
    # Actual, target and shortfall of a % indicator are fractions shown as %, with one
    # number of decimals on the sheet: as many as the typed values need.
    table.percent_format = percent_format(
        percent_decimals(
            value
            for agent in ctx.result.agents
            for res in agent.metrics
            if res.indicator.is_percent
            for value in (res.actual, res.indicator.target, res.shortfall)
        )
    )
    percent_kinds = [None] * len(cols)
    for key in (4, 5, 7):
        percent_kinds[key] = "percent"
    for agent in ctx.result.agents:
        person = agent.person
        for res in agent.metrics:
            table.add((person, res), percent_kinds if res.indicator.is_percent else None)
    ctx.finish(table, freeze_cols=2)


def _person_cols(lang: str, get_id: Callable, get_name: Callable) -> list[Column]:
    """工号 · 姓名: the two columns every row-per-person sheet opens with."""
    return [
        Column(ROSTER.column("id").label(lang), value=get_id, minimum=8),
        Column(ROSTER.column("name").label(lang), value=get_name, minimum=8),
    ]


# ---------------------------------------------------------------- 360明细
def _review_sheet(ctx: _Context) -> None:
    """Person × review item: the row item is (person, ItemResult)."""
    lang = ctx.lang
    averaged = ctx.tr("互评明细平均", "Peer Reviews average")
    missing_labels = _missing_labels(ctx)
    sep = ", " if lang == "en" else "、"

    def missing(row: tuple) -> str | None:
        return sep.join(missing_labels.get(m, m) for m in row[1].missing) or None

    agents = ctx.result.agents
    calibrated = any(res.calibrated for agent in agents for res in agent.reviews)
    cols = [
        *_person_cols(lang, lambda row: row[0].id, lambda row: row[0].name),
        Column(
            REVIEW_ITEMS.column("dimension").label(lang),
            value=lambda row: row[1].item.dimension,
            minimum=8,
        ),
        Column(
            REVIEW_ITEMS.column("item").label(lang), value=lambda row: row[1].item.name, minimum=10
        ),
        Column(REVIEWS.column("self").label(lang), "score", lambda row: row[1].self_score),
        Column(REVIEWS.column("peer").label(lang), "score", lambda row: row[1].peer_score),
        Column(
            ctx.tr("互评来源", "Peer from"),
            value=lambda row: averaged if row[1].peer_from_detail else None,
            minimum=8,
        ),
        Column(REVIEWS.column("manager").label(lang), "score", lambda row: row[1].manager_score),
        Column(ctx.tr("项目得分", "Item score"), "score", lambda row: row[1].score),
        *(_calibrated_cols(ctx) if calibrated else ()),
        Column(ctx.tr("缺评", "Missing"), value=missing, minimum=6, center=True),
        Column(
            ctx.tr("来源单元格", "Source cell"),
            value=lambda row: _score_cells(row[1].row),
            minimum=12,
        ),
    ]
    table = ctx.table("reviews", cols)
    rows = ((agent.person, res) for agent in agents for res in agent.reviews)
    if not calibrated:
        table.add_all(rows)
    else:  # SPEC §4.4: the agreed score is the item score, the computed one beside it, filled
        for row in rows:
            if row[1].calibrated:
                table.add(row, None, bg_color=PALETTE.calibrated)
            else:
                table.add(row)
    ctx.finish(table, freeze_cols=2)


def _calibrated_cols(ctx: _Context) -> list[Column]:
    """360明细's columns beside a calibrated item score: the computed score and the note."""
    marker = ctx.tr("已校准", "Calibrated")

    def note(row: tuple) -> str | None:
        agreed = row[1].agreed
        return None if agreed is None else (agreed.note or marker)

    return [
        Column(ctx.tr("计算得分", "Computed score"), "score", lambda row: row[1].computed_score),
        Column(ctx.tr("校准说明", "Calibration note"), value=note, minimum=10, maximum=40),
    ]


def _missing_labels(ctx: _Context) -> dict[str, str]:
    return {
        "self": REVIEWS.column("self").label(ctx.lang),
        "peer": REVIEWS.column("peer").label(ctx.lang),
    }


def _score_cells(row: Any) -> str | None:
    """The 360评价 cells an item score came from, cited like 指标明细 cites its cell:
    '360评价!D7:F7' (自评 to 上级评价 of one row), '360评价!F7' when only one is there.
    A peer score averaged from 互评明细 lives on another sheet; 互评来源 says so."""
    if row is None:
        return None
    sources = [s for s in (row.self_source, row.peer_source, row.manager_source) if s]
    if not sources:
        return None
    sheet = sources[-1].sheet  # 上级评价 always has a cell on 360评价
    cells = sorted((column_number(_letters(s.cell)), s.cell) for s in sources if s.sheet == sheet)
    first, last = cells[0][1], cells[-1][1]
    return f"{sheet}!{first}" if first == last else f"{sheet}!{first}:{last}"


def _letters(cell: str) -> str:
    return cell.rstrip("0123456789")


def _row_text(ctx: _Context, row: Any) -> str | None:
    """'360评价 第7行' / 'Reviews row 7' for a 360评价 row, by its own sheet name."""
    if row is None or not row.row:
        return None
    source = row.manager_source or row.self_source or row.peer_source
    sheet = source.sheet if source else REVIEWS.name(ctx.lang)
    return ctx.tr("{sheet} 第{row}行", "{sheet} row {row}", sheet=sheet, row=row.row)


# ---------------------------------------------------------------- 团队统计
@dataclass
class _TeamStats:
    label: str
    head_count: int
    assessed: int
    mean: Decimal | None
    low: Decimal | None
    high: Decimal | None
    counts: dict[str, int]


def _team_stats(ctx: _Context, label: str, agents: list[AgentResult]) -> _TeamStats:
    totals = [a.total for a in agents if a.total is not None]
    counts = dict.fromkeys(ctx.grade_codes(), 0)
    for agent in agents:
        if agent.total is not None and agent.grade is not None:
            counts[agent.grade.code] = counts.get(agent.grade.code, 0) + 1
    return _TeamStats(
        label,
        len(agents),
        len(totals),
        _mean(totals),
        min(totals) if totals else None,
        max(totals) if totals else None,
        counts,
    )


def _team_sheet(ctx: _Context) -> None:
    """Per team and overall; then grade shares vs quotas, dimension means and the charts."""
    lang = ctx.lang
    codes = ctx.grade_codes()
    teams: dict[str, list[AgentResult]] = {}
    for agent in ctx.result.agents:
        teams.setdefault(agent.person.team, []).append(agent)
    no_team = ctx.tr("（未分组）", "(no team)")
    stats = [_team_stats(ctx, team or no_team, agents) for team, agents in teams.items()]
    overall = _team_stats(ctx, ctx.tr("全部", "All"), ctx.everyone)  # SPEC §12: overall
    if ctx.result.grade_counts:
        overall.counts.update(ctx.result.grade_counts)
    breached = {s.code for s in ctx.result.grade_shares if s.breached}
    shares = {s.code: s.share for s in ctx.result.grade_shares}

    cols = [
        Column(ROSTER.column("team").label(lang), minimum=10),
        Column(ctx.tr("人数", "Head count"), "int"),
        Column(ctx.tr("参评人数", "Assessed"), "int"),
        Column(ctx.tr("平均总分", "Mean total"), "score"),
        Column(ctx.tr("最低总分", "Min total"), "score"),
        Column(ctx.tr("最高总分", "Max total"), "score"),
        *(Column(ctx.tr("{g} 人数", "{g} count", g=ctx.grade_label(c)), "int") for c in codes),
        *(Column(_share_header(ctx, c), "percent") for c in codes),
    ]
    table = ctx.table("teams", cols, streamed=False)
    for team in stats:
        table.add_values(_team_row(team, codes, None))
    overall_values = _team_row(overall, codes, shares)
    kinds: list[str | None] = [None] * len(cols)
    table.add_values(overall_values, kinds, bold=True, bg_color=PALETTE.label)
    overall_row = table.row - 1
    share0 = 6 + len(codes)
    for i, code in enumerate(codes):
        if code in breached:
            value = overall_values[share0 + i]
            table.sheet.write_number(
                overall_row,
                share0 + i,
                float(value or 0),
                ctx.fmt("percent", bold=True, bg_color=PALETTE.bad, font_color=PALETTE.bad_font),
            )
    team_rows = (2, 2 + len(stats) - 1) if stats else None
    grade_rows = _grade_share_table(ctx, table, codes, overall, shares, breached)
    dim_rows = _dimension_table(ctx, table)
    ctx.finish(table, freeze_cols=1, autofilter=False)
    if stats:
        table.writer.filter(2 + len(stats) - 1, len(cols) - 1)
    _team_charts(ctx, table, grade_rows, team_rows, dim_rows, [team.label for team in stats])


def _share_header(ctx: _Context, code: str) -> str:
    label = ctx.grade_label(code)
    quota = ctx.quota(code) if ctx.has_quotas else ""
    if quota:
        return ctx.tr("{g} 占比（配额 {q}）", "{g} share (quota {q})", g=label, q=quota)
    return ctx.tr("{g} 占比", "{g} share", g=label)


def _team_row(team: _TeamStats, codes: list[str], shares: dict[str, Decimal] | None) -> list[Any]:
    counts = [team.counts.get(code, 0) for code in codes]
    if shares:
        share_values: list[Any] = [_shown_share(shares.get(code)) for code in codes]
    elif team.assessed:
        share_values = [_shown_share(Decimal(n) / team.assessed) for n in counts]
    else:
        share_values = [None for _ in codes]
    return [
        team.label,
        team.head_count,
        team.assessed,
        team.mean,
        team.low,
        team.high,
        *counts,
        *share_values,
    ]


def _section(ctx: _Context, table: Table, text: str, width: int) -> None:
    """A section title row inside a sheet (bold, tinted, spanning `width` columns)."""
    table.writer.section(table.row, text, width)
    table.row += 1


def _sub_header(table: Table, labels: Sequence[str]) -> None:
    table.writer.header(labels, table.row)
    table.row += 1


def _sub_table(ctx: _Context, table: Table, title: str, labels: Sequence[str]) -> int:
    """A blank row, a section title over the columns, their header; returns the first data row."""
    table.row += 1
    _section(ctx, table, title, len(labels))
    _sub_header(table, labels)
    return table.row


def _grade_share_table(
    ctx: _Context,
    table: Table,
    codes: list[str],
    overall: _TeamStats,
    shares: dict[str, Decimal],
    breached: set[str],
) -> tuple[int, int]:
    """等级分布: grade · count · share · quota · result; chart data for the grade chart."""
    labels = [ctx.tr("等级", "Grade"), ctx.tr("人数", "Count"), ctx.tr("占比", "Share")]
    if ctx.has_quotas:
        labels += [ctx.tr("配额", "Quota"), ctx.tr("是否符合", "Within quota")]
    first = _sub_table(
        ctx, table, ctx.tr("等级分布（全部参评人员）", "Grade distribution (all assessed)"), labels
    )
    by_code = {s.code: s for s in ctx.result.grade_shares}
    kinds: list[str | None] = ["text", "int", "percent", "text", "text"][: len(labels)]
    for code in codes:
        count = overall.counts.get(code, 0)
        share = shares.get(code)
        if share is None and overall.assessed:
            share = Decimal(count) / overall.assessed
        values = [ctx.grade_label(code), count, _shown_share(share)]
        if ctx.has_quotas:
            quota = by_code[code].quota if code in by_code else ""
            if code in breached:
                verdict = ctx.tr("超出配额", "Quota breached")
            else:
                verdict = ctx.tr("符合", "Yes") if quota else None
            values += [quota or None, verdict]
        extra = (
            {"bg_color": PALETTE.bad, "font_color": PALETTE.bad_font} if code in breached else {}
        )
        table.add_values(values, kinds, **extra)
    return first, table.row - 1


def _dimension_table(ctx: _Context, table: Table) -> tuple[int, int] | None:
    """维度平均分: mean of each dimension score over the people who have it."""
    if not ctx.dimensions:
        return None
    title = ctx.tr("维度平均分", "Mean score by dimension")
    if ctx.team is not None:
        title = ctx.tr("维度平均分（全体人员）", "Mean score by dimension (everyone)")
    first = _sub_table(
        ctx,
        table,
        title,
        [
            ctx.tr("维度", "Dimension"),
            ctx.tr("类别", "Kind"),
            ctx.tr("平均分", "Mean"),
            ctx.tr("最低", "Min"),
            ctx.tr("最高", "Max"),
        ],
    )
    kinds: list[str | None] = ["text", "text", "score", "score", "score"]
    for key, label, is_review in ctx.dimensions:
        values = [a.dimensions[key] for a in ctx.everyone if a.dimensions.get(key) is not None]
        kind = ctx.tr("360评价", "360 review") if is_review else ctx.tr("指标", "Indicator")
        table.add_values(
            [
                label,
                kind,
                _mean(values),
                min(values) if values else None,
                max(values) if values else None,
            ],
            kinds,
        )
    return first, table.row - 1


def _team_charts(
    ctx: _Context,
    table: Table,
    grade_rows: tuple[int, int],
    team_rows: tuple[int, int] | None,
    dim_rows: tuple[int, int] | None,
    team_labels: Sequence[str] = (),
) -> None:
    """Native charts: grades and dimensions beside their tables, teams below, table-wide."""
    sheet, name = table.sheet, table.sheet.name
    side_row, side_col = grade_rows[0] - 2, 6  # the 等级分布 section row, column G
    grades = _chart(
        ctx, "column", ctx.tr("等级分布", "Grade distribution"), ctx.tr("人数", "People")
    )
    first, last = grade_rows
    most = max((ctx.result.grade_counts or {}).values(), default=0)
    grades.set_y_axis(
        {
            "name": ctx.tr("人数", "People"),
            "name_font": CHART_FONT,
            "num_font": CHART_FONT,
            "min": 0,
            "major_unit": max(1, math.ceil(most / 5)),
            "num_format": "0",
            "major_gridlines": {"visible": True, "line": {"color": PALETTE.gridline}},
        }
    )
    grades.add_series(
        {
            "name": ctx.tr("人数", "People"),
            "categories": [name, first, 0, last, 0],
            "values": [name, first, 1, last, 1],
            "points": [
                {
                    "fill": {"color": vocab.GRADE_COLOURS.get(code, PALETTE.chart_neutral)},
                    "border": {"color": PALETTE.chart_edge},
                }
                for code in ctx.grade_codes()
            ],
            "data_labels": {"value": True, "font": CHART_FONT},
            "gap": 60,
        }
    )
    sheet.insert_chart(side_row, side_col, grades, {"x_scale": 0.8, "y_scale": 1.0})
    if dim_rows:
        first, last = dim_rows
        dim_labels = [label for _, label, _ in ctx.dimensions]
        dim_kind = _category_chart_kind(dim_labels, int(480 * 1.1))
        dims = _mean_chart(
            ctx,
            dim_kind,
            (ctx.tr("各维度平均分", "Mean score by dimension"), ctx.tr("分", "Score")),
            ctx.tr("平均分", "Mean"),
            (name, first, last, 2),
            PALETTE.chart_bar,
        )
        sheet.insert_chart(
            side_row, side_col, dims, {"x_offset": int(480 * 0.8) + 16, "x_scale": 1.1}
        )
    if team_rows:
        first, last = team_rows
        count = last - first + 1
        width = sum(w * 7 + 5 for w in table.widths)  # Excel column width → pixels
        kind = "bar" if count > 8 else _category_chart_kind(team_labels, max(width, 480))
        mean_total = ctx.tr("平均总分", "Mean total")
        teams = _mean_chart(
            ctx,
            kind,
            (ctx.tr("各团队平均总分", "Mean total by team"), mean_total),
            mean_total,
            (name, first, last, 3),
            PALETTE.title,
        )
        height = 22 * count + 90 if kind == "bar" else 300
        below = max(table.row + 1, side_row + 16)  # under the tables and the side charts
        sheet.insert_chart(
            below, 0, teams, {"x_scale": max(width, 480) / 480, "y_scale": max(height, 240) / 288}
        )


CHART_FONT = {"name": FONT, "size": 9}
CHART_CHAR_PX = 6.5  # pixels per width unit of a 9-point label (cells.text_width)
PLOT_SHARE = 0.85  # of a chart's width left to the plot beside the value axis


def _mean_chart(
    ctx: _Context,
    kind: str,
    titles: tuple[str, str],
    series_name: str,
    block: tuple[str, int, int, int],
    colour: str,
) -> Any:
    """A chart of means beside or below the team sheet's tables (`_team_charts`):
    categories in column A of rows first–last of sheet `name`, values in column `col`,
    labelled with 2 decimals; a bar chart lists its categories top down, as the table."""
    name, first, last, col = block
    chart = _chart(ctx, kind, *titles)
    chart.add_series(
        {
            "name": series_name,
            "categories": [name, first, 0, last, 0],
            "values": [name, first, col, last, col],
            "fill": {"color": colour},
            "data_labels": {"value": True, "num_format": "0.00", "font": CHART_FONT},
            "gap": 60,
        }
    )
    if kind == "bar":
        chart.set_y_axis({"num_font": CHART_FONT, "reverse": True})
    return chart


def _category_chart_kind(labels: Sequence[str], chart_px: int) -> str:
    """'column' when every category label fits under its column, else 'bar': a label
    wider than its slot is wrapped (Excel breaks a long English word mid-word) or turned
    on its side (LibreOffice); a bar chart writes each label on one line at the left."""
    if not labels:
        return "column"
    slot = chart_px * PLOT_SHARE / len(labels)
    widest = max(text_width(label) for label in labels) * CHART_CHAR_PX
    return "bar" if widest > slot else "column"


def _chart(ctx: _Context, kind: str, title: str, value_title: str) -> Any:
    """A column / bar chart with the report's fonts, no legend and a 0–100 value axis."""
    chart = ctx.workbook.add_chart({"type": kind})
    chart.set_title(
        {"name": title, "name_font": {"name": CHART_FONT["name"], "size": 11, "bold": True}}
    )
    chart.set_legend({"none": True})
    value_axis = {
        "name": value_title,
        "name_font": CHART_FONT,
        "num_font": CHART_FONT,
        "min": 0,
        "max": 100,
        "major_gridlines": {"visible": True, "line": {"color": PALETTE.gridline}},
    }
    if kind == "bar":
        chart.set_x_axis(value_axis)
        chart.set_y_axis({"num_font": CHART_FONT})
    else:
        chart.set_y_axis(value_axis)
        chart.set_x_axis({"num_font": CHART_FONT})
    chart.set_chartarea({"border": {"none": True}})
    return chart


# ---------------------------------------------------------------- 历史趋势
TREND_FIRST_PERIOD_COL = 3  # 工号 · 姓名 · 团队, then 总分 · 等级 per period
# Lines a chart can show and still be read (Excel's own limit is 255 series): a report
# with more teams charts its first ones, as the means table lists them, and says so.
TREND_CHART_TEAMS = 12


def _trend_sheet(ctx: _Context, trend: Trend) -> None:
    """SPEC §5, §11: one row per person with a 总分 · 等级 pair per stored period (this one
    last) under the period's name; below, each team's mean total per period and a line
    chart of those means, one series per team. Every data row is streamed (10,000 people
    through xlsxwriter's cells took 2 s), the means table's rows too, since streamed rows
    follow xlsxwriter's own in the sheet."""
    lang = ctx.lang
    periods = _trend_period_labels(ctx, trend)
    cols = [
        *_person_cols(lang, attrgetter("id"), attrgetter("name")),
        Column(ROSTER.column("team").label(lang), value=attrgetter("team"), minimum=8),
    ]
    groups = []
    for index, period in enumerate(periods):
        col = TREND_FIRST_PERIOD_COL + 2 * index
        cols.append(Column(ctx.tr("总分", "Total"), "score", minimum=9))
        cols.append(Column(ctx.tr("等级", "Grade"), minimum=8, center=True))
        groups.append((col, col + 1, period))
    table = ctx.table("trend", cols, groups=groups)
    for row in trend.rows:
        table.add_values(_trend_values(ctx, row))
    people_last = table.row - 1
    if people_last >= table.first_row:
        for index in range(len(periods)):
            grade_col = TREND_FIRST_PERIOD_COL + 2 * index + 1
            _grade_colours(ctx, table.sheet, table.first_row, grade_col, people_last)
    mean_rows = _trend_means_table(ctx, table, trend, periods)
    ctx.finish(table, freeze_cols=2, autofilter=False)
    table.writer.filter(people_last, len(cols) - 1, table.header_row)
    if mean_rows is not None:
        _trend_chart(ctx, table, mean_rows, len(periods))


def _trend_period_labels(ctx: _Context, trend: Trend) -> list[str]:
    labels = list(trend.periods)
    if trend.reassessment:
        labels[-1] = ctx.tr("{p} 复评", "{p} re-assessment", p=labels[-1])
    return labels


def _trend_values(ctx: _Context, row: TrendRow) -> list[Any]:
    values: list[Any] = [row.id, row.name, row.team]
    for point in row.points:
        if point is None:
            values += [None, None]
        else:
            grade = _trend_grade(ctx, point.grade_code) if point.grade_code else None
            values += [point.total, grade]
    return values


def _trend_grade(ctx: _Context, code: str) -> str:
    """A stored grade code's label (an earlier period may have used the other scale)."""
    label = ctx.grade_label(code)
    if label == code:
        try:
            return vocab.grade_label(code, ctx.lang)
        except KeyError:
            return code
    return label


def _trend_means_table(
    ctx: _Context, table: Table, trend: Trend, periods: list[str]
) -> tuple[int, int] | None:
    """各团队平均总分: a team per row, a period per column (the chart's data), streamed
    below the people; returns the first and last data rows, None without a team."""
    if not trend.team_means or table.stream is None:
        return None
    stream, width = table.stream, 1 + len(periods)
    # A layout names a format for every column; the cells past `width` get no values and
    # are not written.
    rest = [ctx.fmt("text")] * (len(table.columns) - width)
    section = stream.layout([ctx.styles.section] * width + rest)
    header = stream.layout([ctx.styles.header] * width + rest)
    means = stream.layout([ctx.fmt("text"), *([ctx.fmt("score")] * len(periods)), *rest])
    title = ctx.tr("各团队平均总分", "Mean total by team")
    stream.add(table.row + 1, [title, *([None] * len(periods))], section, row_height(1) + 4)
    labels = [ctx.tr("团队", "Team"), *periods]
    stream.add(table.row + 2, labels, header, row_height(1) + 4)
    first = table.row = table.row + 3
    no_team = ctx.tr("（未分组）", "(no team)")
    for team, team_means in trend.team_means.items():
        label = team or no_team
        table.texts[0].add(label)  # the team names widen the first column
        stream.add(table.row, [label, *team_means], means, None)
        table.row += 1
    return first, table.row - 1


def _trend_chart(ctx: _Context, table: Table, mean_rows: tuple[int, int], periods: int) -> None:
    """A native line chart of the team means per period, one series per team, below."""
    name = table.sheet.name
    first, last = mean_rows
    header, teams = first - 1, last - first + 1
    title = ctx.tr("各团队平均总分趋势", "Mean total by team over the periods")
    if teams > TREND_CHART_TEAMS:
        title += ctx.tr(
            "（前 {n} 个团队，共 {all} 个）",
            " (the first {n} of {all} teams)",
            n=TREND_CHART_TEAMS,
            all=teams,
        )
    chart = ctx.workbook.add_chart({"type": "line"})
    chart.set_title(
        {"name": title, "name_font": {"name": CHART_FONT["name"], "size": 11, "bold": True}}
    )
    for row in range(first, min(last, first + TREND_CHART_TEAMS - 1) + 1):
        chart.add_series(
            {
                "name": [name, row, 0],
                "categories": [name, header, 1, header, periods],
                "values": [name, row, 1, row, periods],
                "marker": {"type": "circle", "size": 6},
                "data_labels": {"value": True, "num_format": "0.00", "font": CHART_FONT},
            }
        )
    chart.set_y_axis(
        {
            "name": ctx.tr("平均总分", "Mean total"),
            "name_font": CHART_FONT,
            "num_font": CHART_FONT,
            "min": 0,
            "max": 100,
            "major_gridlines": {"visible": True, "line": {"color": PALETTE.gridline}},
        }
    )
    chart.set_x_axis({"num_font": CHART_FONT})
    chart.set_legend({"position": "bottom", "font": CHART_FONT})
    chart.set_chartarea({"border": {"none": True}})
    width = max(sum(w * 7 + 5 for w in table.widths), 480)
    table.sheet.insert_chart(last + 2, 0, chart, {"x_scale": width / 480, "y_scale": 300 / 288})


# ---------------------------------------------------------------- 校准
def _calibration_sheet(ctx: _Context) -> None:
    """One row per item to calibrate: the row item is a CalibrationCase."""
    lang = ctx.lang
    marker = ctx.tr("自评偏高", "Self highest")
    cols = [
        *_person_cols(lang, attrgetter("person.id"), attrgetter("person.name")),
        Column(ROSTER.column("team").label(lang), value=attrgetter("person.team"), minimum=8),
        Column(REVIEWS.column("item").label(lang), value=attrgetter("item"), minimum=10),
        Column(REVIEWS.column("self").label(lang), "score", attrgetter("self_score")),
        Column(REVIEWS.column("peer").label(lang), "score", attrgetter("peer_score")),
        Column(REVIEWS.column("manager").label(lang), "score", attrgetter("manager_score")),
        Column(ctx.tr("差异", "Spread"), "score", attrgetter("spread")),
        Column(
            marker,
            value=lambda case: marker if case.self_highest else None,
            minimum=10,
            center=True,
        ),
        # SPEC §4.4 after the meeting: the computed and the agreed score, with the note.
        Column(ctx.tr("计算得分", "Computed score"), "score", attrgetter("computed_score")),
        Column(
            CALIBRATED.column("agreed").label(lang),
            "score",
            lambda case: case.agreed.score if case.agreed else None,
        ),
        Column(
            CALIBRATED.column("note").label(lang),
            value=lambda case: (case.agreed.note or None) if case.agreed else None,
            minimum=10,
            maximum=40,
        ),
    ]
    if any(not case.flagged for case in ctx.result.calibration):
        unflagged = ctx.tr("未列入校准", "Not flagged")
        cols.append(
            Column(
                unflagged,
                value=lambda case: None if case.flagged else unflagged,
                minimum=10,
                center=True,
            )
        )
    table = ctx.table("calibration", cols)
    for case in ctx.result.calibration:
        if case.self_highest:
            table.add(case, None, bg_color=PALETTE.mandatory)
        else:
            table.add(case)
    ctx.finish(table, freeze_cols=2)


# ---------------------------------------------------------------- 缺评
def _missing_sheet(ctx: _Context) -> None:
    """Every blank self / peer score with its cell: the row item is (person, ItemResult, part)."""
    lang = ctx.lang
    labels = _missing_labels(ctx)

    def cell(row: tuple) -> str | None:
        _, res, part = row
        source = None
        if res.row is not None:
            source = res.row.self_source if part == "self" else res.row.peer_source
        return str(source) if source else _row_text(ctx, res.row)

    cols = [
        *_person_cols(lang, lambda row: row[0].id, lambda row: row[0].name),
        Column(ROSTER.column("team").label(lang), value=lambda row: row[0].team, minimum=8),
        Column(REVIEWS.column("item").label(lang), value=lambda row: row[1].item.name, minimum=10),
        Column(
            ctx.tr("缺少", "Missing"),
            value=lambda row: labels.get(row[2], row[2]),
            minimum=8,
            center=True,
        ),
        Column(ctx.tr("单元格", "Cell"), value=cell, minimum=12),
    ]
    table = ctx.table("missing", cols)
    table.add_all(
        (agent.person, res, part)
        for agent in ctx.result.agents
        for res in agent.reviews
        for part in res.missing
    )
    ctx.finish(table, freeze_cols=2)


# ---------------------------------------------------------------- 改进计划 (report sheet and workbook)
PLAN_CENTRED = {"period", "due", "status", "mandatory"}


def _plan_sheet(ctx: _Context, key: str, rows: list[PlanRow]) -> None:
    """The §3.5 layout: labels from schema.PLAN, drop-downs, mandatory rows tinted.
    The row item is a PlanRow, whose fields are named like the PLAN columns."""
    lang = ctx.lang
    yes, no = YES_NO.label("yes", lang), YES_NO.label("no", lang)
    getters: dict[str, Callable[[PlanRow], Any]] = {
        "status": lambda row: _status_label(row.status, lang),
        "shortfall": lambda row: row.shortfall.render(lang),
        "goal": lambda row: row.goal.render(lang),
        "actions": lambda row: row.actions.render(lang),
        "mandatory": lambda row: yes if row.mandatory else no,
    }
    cols = [
        Column(
            column.label(lang),
            "date" if column.kind == "date" else "text",
            getters.get(column.key, attrgetter(column.key)),
            column.width,
            PLAN_WRAP.get(column.key, 46),
            wrap=column.key in PLAN_WRAP,
            center=column.key in PLAN_CENTRED,
        )
        for column in PLAN.columns
    ]
    table = ctx.table(key, cols, name=PLAN.name(lang) if key == "plan_book" else None)
    for row in rows:
        if row.mandatory:
            table.add(row, None, bg_color=PALETTE.mandatory)
        else:
            table.add(row)
    spare = table.row - 1 + PLAN_VALIDATION_SPARE_ROWS
    for column, choices in (("status", PLAN_STATUS), ("mandatory", YES_NO)):
        c = [col.key for col in PLAN.columns].index(column)
        table.writer.drop_down(c, 2, spare, {"validate": "list", "source": choices.labels(lang)})
    ctx.finish(table, freeze_cols=0)


@lru_cache(maxsize=1024)  # 44,000 plan rows of a 10,000-person report share a few statuses
def _status_label(status: str, lang: str) -> str | None:
    """The label of a PLAN_STATUS code; a label or unknown text is shown as given."""
    if not status:
        return None
    code = PLAN_STATUS.lookup().get(normalize_label(status))
    return PLAN_STATUS.label(code, lang) if code else status


# ---------------------------------------------------------------- 日程
def _dates_sheet(ctx: _Context) -> None:
    cols = [
        Column(ctx.tr("事项", "Item"), minimum=14),
        Column(ctx.tr("日期", "Date"), "date", minimum=12),
        Column(ctx.tr("规则", "Rule"), minimum=30, maximum=70),
    ]
    table = ctx.table("dates", cols, streamed=False)
    schedule = ctx.result.schedule
    if schedule is None:
        table.add_values([ctx.tr("未计算日程", "No schedule computed"), None, None])
    else:
        rows = [
            (
                ctx.tr("报告日期", "Report date"),
                schedule.report_date,
                ctx.tr(
                    "生成本报告的日期（或 --as-of 指定的日期）",
                    "The day this report was made (or the --as-of date)",
                ),
            ),
            (
                ctx.tr("反馈面谈截止", "Feedback interview by"),
                schedule.interview_by,
                ctx.tr("报告日期后 3 个工作日内", "Within 3 working days after the report date"),
            ),
            (
                ctx.tr("申诉截止", "Appeal by"),
                schedule.appeal_by,
                ctx.tr(
                    "反馈面谈后 2 个工作日内", "Within 2 working days after the feedback interview"
                ),
            ),
            (
                ctx.tr("申诉答复截止", "Appeal answered by"),
                schedule.appeal_answer_by,
                ctx.tr(
                    "申诉后 3 个工作日内答复", "Answered within 3 working days after the appeal"
                ),
            ),
        ]
        due = next((row.due for row in ctx.result.plan if row.due), None)
        if due is not None:
            rows.append(
                (
                    ctx.tr("改进计划完成时间", "Improvement plan due"),
                    due,
                    ctx.tr(
                        "考核周期结束后一个月的同一天（无此日则为月末）；总分低于阈值者须在一个月内复评",
                        "Period end plus one calendar month, same day (clamped to the month's end); "
                        "people below the threshold are re-assessed within one month",
                    ),
                )
            )
        for values in rows:
            table.add_values(list(values))
        note = (
            schedule.calendar_note.render(ctx.lang)
            if schedule.calendar_note
            else ctx.tr(
                "工作日按中国大陆法定节假日与调休安排计算",
                "Working days follow the mainland-China calendar, holidays and adjusted working days included",
            )
        )
        table.add_values([ctx.tr("日历说明", "Calendar"), None, note])
    ctx.finish(table, autofilter=False)  # A4 landscape like every sheet (SPEC §2)


# ---------------------------------------------------------------- 计算说明
_SETTINGS_COLS = 11  # A … K: wide enough for the indicator rule table


def _settings_sheet(ctx: _Context, warnings: list[Problem]) -> None:
    """Everything needed to recompute a disputed grade by hand (SPEC §5)."""
    lang = ctx.lang
    labels = [
        INDICATORS.column("dimension").label(lang),
        INDICATORS.column("name").label(lang),
        INDICATORS.column("direction").label(lang),
        INDICATORS.column("target").label(lang),
        INDICATORS.column("unit").label(lang),
        INDICATORS.column("method").label(lang),
        INDICATORS.column("step").label(lang),
        INDICATORS.column("points_per_step").label(lang),
        INDICATORS.column("weight").label(lang),
        INDICATORS.column("excess_bonus").label(lang),
        ctx.tr("计分公式", "Formula"),
    ]
    cols = [Column(label, minimum=9) for label in labels]
    cols[0].minimum, cols[1].minimum = 16, 16
    cols[-1] = Column(labels[-1], minimum=44, maximum=60, wrap=True)
    header = [ctx.tr("项目", "Item"), ctx.tr("值", "Value"), ctx.tr("说明", "Notes")]
    table = Table(ctx.sheet("settings"), cols, ctx.title("settings"), header=header)
    table.writer.header_span(1, 2, _SETTINGS_COLS - 1, header[2])
    percent_indicators = [i for i in (ctx.data.indicators if ctx.data else []) if i.is_percent]
    table.percent_format = percent_format(
        percent_decimals(v for i in percent_indicators for v in (i.target, i.step))
    )
    _settings_scheme(ctx, table)
    _settings_grades(ctx, table)
    _settings_rules(ctx, table)
    _settings_indicators(ctx, table, labels)
    _settings_items(ctx, table)
    _settings_file(ctx, table)
    _settings_warnings(ctx, table, warnings)
    table.writer.widths(_settings_widths(table))
    table.writer.freeze()
    table.writer.print_setup(landscape=True)


def _settings_widths(table: Table) -> list[float]:
    return [
        fit_width(table.texts[c], col.minimum, col.maximum) for c, col in enumerate(table.columns)
    ]


def _note_width(table: Table, first: int) -> float:
    return sum(_settings_widths(table)[first:])


def _kv(
    ctx: _Context,
    table: Table,
    label: str,
    value: Any = None,
    note: str | None = None,
    kind: str = "text",
    span_value: bool = False,
) -> None:
    """A label · value · note row; the note (or a long value) spans the columns to its right."""
    sheet, r = table.sheet, table.row
    sheet.write_string(r, 0, label, ctx.styles.label)
    table.texts[0].add(label)
    wrap = ctx.fmt("text", text_wrap=True, valign="top")
    if span_value:
        text = "" if value is None else str(value)
        merge_text(sheet, r, 1, _SETTINGS_COLS - 1, text, wrap)
        _fit_row(table, r, text, 1)
    else:
        write_value(sheet, r, 1, value, ctx.fmt(kind, align="left"))
        if isinstance(value, str):
            table.texts[1].add(value)
        text = note or ""
        merge_text(sheet, r, 2, _SETTINGS_COLS - 1, text, wrap)
        _fit_row(table, r, text, 2)
    table.row += 1


def _fit_row(table: Table, r: int, text: str, first: int) -> None:
    """Merged cells do not grow with wrapped text in Excel: set the height by hand."""
    room = max(_note_width(table, first) - 2, 20)
    lines = max(1, math.ceil(text_width(text) / room)) if text else 1
    if lines > 1:
        table.sheet.set_row(r, row_height(lines))


def _settings_scheme(ctx: _Context, table: Table) -> None:
    scheme = ctx.result.scheme
    lang = ctx.lang

    def label(key: str) -> str:
        return SCHEME.setting(key).label(lang)

    _section(ctx, table, SCHEME.name(lang), _SETTINGS_COLS)
    sw, pw, mw = (
        _pct_text(w) for w in (scheme.self_weight, scheme.peer_weight, scheme.manager_weight)
    )
    share = _pct_text(scheme.quantitative_share)
    rest = _pct_text(Decimal(1) - scheme.quantitative_share)
    item_rule = ctx.tr(
        "项目得分 = 自评 × {s} + 互评 × {p} + 上级评价 × {m}",
        "Item score = self × {s} + peer × {p} + manager × {m}",
        s=sw,
        p=pw,
        m=mw,
    )
    _kv(ctx, table, label("period"), scheme.period or None)
    _kv(ctx, table, label("period_start"), scheme.period_start, kind="date")
    _kv(ctx, table, label("period_end"), scheme.period_end, kind="date")
    _kv(ctx, table, label("self_weight"), scheme.self_weight, item_rule, "weight")
    _kv(ctx, table, label("peer_weight"), scheme.peer_weight, None, "weight")
    _kv(ctx, table, label("manager_weight"), scheme.manager_weight, None, "weight")
    _kv(
        ctx,
        table,
        label("quantitative_share"),
        scheme.quantitative_share,
        ctx.tr(
            "总分 = {q} × 指标得分 + {r} × 360评价得分",
            "Total = {q} × metric score + {r} × review score",
            q=share,
            r=rest,
        ),
        "weight",
    )
    _kv(ctx, table, label("grade_scheme"), GRADE_SCHEME.label(scheme.grade_scheme, lang))
    _kv(
        ctx,
        table,
        label("improvement_threshold"),
        scheme.improvement_threshold,
        ctx.tr(
            "总分低于 {t}：必须制定改进计划，一对一辅导，一个月内复评",
            "Total below {t}: mandatory improvement plan, one-to-one mentoring, "
            "re-assessment within one month",
            t=_plain(scheme.improvement_threshold),
        ),
        "number",
    )
    _kv(
        ctx,
        table,
        label("calibration_gap"),
        scheme.calibration_gap,
        ctx.tr(
            "同一评分项的自评、互评、上级评价中最高与最低相差 ≥ {g} 时列入校准",
            "An item goes to calibration when its highest and lowest of self / peer / "
            "manager differ by {g} or more",
            g=_plain(scheme.calibration_gap),
        ),
        "number",
    )
    calibrated = sum(res.calibrated for agent in ctx.result.agents for res in agent.reviews)
    _kv(
        ctx,
        table,
        CALIBRATED.name(lang),
        calibrated,
        ctx.tr(
            "{n} 个评分项采用校准会议的校准后分数（替换三方评分的计算得分，见“{sheet}”表），"
            "其余评分项按三方评分计算",
            "{n} item score(s) replaced by the score the calibration meeting agreed (see the "
            "“{sheet}” sheet); every other item is scored from its three raters",
            n=calibrated,
            sheet=vocab.SCORE_SHEETS["calibration"](lang),
        ),
        "number",
    )


def _settings_grades(ctx: _Context, table: Table) -> None:
    scheme_label = GRADE_SCHEME.label(ctx.result.scheme.grade_scheme, ctx.lang)
    _section(
        ctx, table, ctx.tr("等级划分（{s}）", "Grade bands ({s})", s=scheme_label), _SETTINGS_COLS
    )
    for band in ctx.bands:
        quota = band.quota_text(ctx.lang)
        note = ctx.tr("人数占比{q}", "share of people {q}", q=quota) if quota else None
        _kv(ctx, table, ctx.grade_label(band.grade.code), band.range_text(), note)
    if ctx.result.scheme.grade_scheme == "sabc":
        _kv(
            ctx,
            table,
            ctx.tr("配额", "Quotas"),
            ctx.tr(
                "报告在团队统计中列出各等级实际占比与配额，S、A 超出或 C 不足时标红；不会因此改变任何人的等级",
                "The team summary shows each grade's share beside its quota and marks an S or A "
                "share above it, or a C share below it, in red; no grade is ever changed",
            ),
            span_value=True,
        )


def _settings_rules(ctx: _Context, table: Table) -> None:
    _section(ctx, table, ctx.tr("计算规则", "Rules"), _SETTINGS_COLS)
    rules = [
        (
            ctx.tr("缺评", "Missing review"),
            ctx.tr(
                "自评或互评为空（且无互评明细）时，按其余权重等比放大到 100%，并标记“缺评”；"
                "互评为空而有互评明细时取明细平均分",
                "A blank self or peer score (and no peer detail) scales the present weights up "
                "to 100% and flags the person; a blank peer score with peer detail takes the "
                "detail's average",
            ),
        ),
        (
            ctx.tr("360评价得分", "Review score"),
            ctx.tr(
                "10 × 各评分项得分按评分项权重的加权平均（0–100）；各 360 维度同样按其评分项计算",
                "10 × the item scores' mean weighted by item weight (0–100); each review "
                "dimension the same way over its items",
            ),
        ),
        (
            ctx.tr("指标差距", "Shortfall"),
            ctx.tr(
                "越高越好：目标值 − 实际值；越低越好：实际值 − 目标值；达标时为 0",
                "Higher is better: target − actual; lower is better: actual − target; 0 when met",
            ),
        ),
        (
            METHOD.options[0].label(ctx.lang),
            ctx.tr(
                "得分 = max(0, 权重 − 每步扣分 × 差距 ÷ 扣分步长)，按比例计算；达标得满分，不超过权重",
                "Points = max(0, weight − points per step × shortfall ÷ step), proportional; "
                "meeting the target gives the full weight, never more",
            ),
        ),
        (
            METHOD.options[1].label(ctx.lang),
            ctx.tr(
                "越高越好：权重 × min(1, 实际 ÷ 目标)；越低越好：权重 × min(1, 目标 ÷ 实际)，实际为 0 得满分",
                "Higher is better: weight × min(1, actual ÷ target); lower is better: "
                "weight × min(1, target ÷ actual), full weight when the actual is 0",
            ),
        ),
        (
            ctx.tr("指标得分", "Metric score"),
            ctx.tr(
                "100 × Σ得分 ÷ Σ权重（空白的指标值不计入两边）；各指标维度同样计算",
                "100 × Σ points ÷ Σ weights (a blank value is left out of both); each indicator "
                "dimension the same way",
            ),
        ),
        (
            ctx.tr("总分", "Total"),
            ctx.tr(
                "定量指标占比 × 指标得分 + (1 − 占比) × 360评价得分；无指标值者取 360评价得分，无评价者取指标得分",
                "Share × metric score + (1 − share) × review score; without indicator values the "
                "review score, without reviews the metric score",
            ),
        ),
        (ctx.tr("取整", "Rounding"), ROUNDING_RULE(ctx.lang)),
        (
            ctx.tr("排名", "Ranks"),
            ctx.tr(
                "按总分从高到低，团队内与全部分别排名；同分同名次（1, 2, 2, 4）",
                "By total, highest first, within the team and overall; ties share a rank "
                "(1, 2, 2, 4)",
            ),
        ),
        (
            ctx.tr("奖金系数", "Bonus coefficient"),
            ctx.tr(
                "全部指标达标为 100%，否则为 指标得分 ÷ 100；标记超额奖励的 % 指标每超出目标 1 个整百分点加 2%；无指标值者不计",
                "100% when every indicator meets its target, otherwise metric score ÷ 100; plus "
                "2% for every whole percentage point above target on % indicators marked for an "
                "excess bonus; none without indicator values",
            ),
        ),
    ]
    for label, text in rules:
        _kv(ctx, table, label, text, span_value=True)


def _settings_indicators(ctx: _Context, table: Table, labels: list[str]) -> None:
    if ctx.data is None:
        return
    lang = ctx.lang
    _section(ctx, table, ctx.tr("指标计分规则", "Indicator rules"), _SETTINGS_COLS)
    _sub_header(table, labels)
    yes, no = YES_NO.label("yes", lang), YES_NO.label("no", lang)
    for ind in ctx.data.indicators:
        value_kind = "percent" if ind.is_percent else "number"
        kinds = ["text", "text", "text", value_kind, "text", "text", value_kind]
        kinds += ["number", "number", "text", "text"]
        table.add_values(
            [
                ind.dimension,
                ind.name,
                DIRECTION.label(ind.direction, lang),
                ind.target,
                ind.unit,
                METHOD.label(ind.method, lang),
                ind.step,
                ind.points_per_step,
                ind.weight,
                yes if ind.excess_bonus else no,
                _indicator_formula(ctx, ind),
            ],
            kinds,
        )


def _indicator_formula(ctx: _Context, ind: Indicator) -> str:
    weight = _plain(ind.weight)
    if ind.method == "ratio":
        ratio = ctx.tr("实际 ÷ 目标", "actual ÷ target")
        if ind.direction == "lower":
            ratio = ctx.tr("目标 ÷ 实际", "target ÷ actual")
        text = ctx.tr("得分 = {w} × min(1, {r})", "Points = {w} × min(1, {r})", w=weight, r=ratio)
    else:
        step = _value_text(ind.step, ind) or "?"
        per = _plain(ind.points_per_step) or "?"
        text = ctx.tr(
            "得分 = max(0, {w} − {p} × 差距 ÷ {s})",
            "Points = max(0, {w} − {p} × shortfall ÷ {s})",
            w=weight,
            p=per,
            s=step,
        )
    if ind.excess_bonus and ind.is_percent:
        text += ctx.tr(
            "；每超出目标 1 个百分点奖金系数 +2%",
            "; bonus +2% per whole point above target",
        )
    return text


def _settings_items(ctx: _Context, table: Table) -> None:
    if ctx.data is None:
        return
    lang = ctx.lang
    _section(ctx, table, ctx.tr("评分项（0–10 分）", "Review items (0–10)"), _SETTINGS_COLS)
    header = [
        REVIEW_ITEMS.column("dimension").label(lang),
        REVIEW_ITEMS.column("item").label(lang),
        REVIEW_ITEMS.column("weight").label(lang),
        REVIEW_ITEMS.column("standard").label(lang),
    ]
    table.writer.header(header, table.row)
    table.writer.header_span(table.row, 3, _SETTINGS_COLS - 1, header[3])
    table.row += 1
    wrap = ctx.fmt("text", text_wrap=True, valign="top")
    for item in ctx.data.items:
        r = table.row
        write_value(table.sheet, r, 0, item.dimension, ctx.fmt("text"))
        write_value(table.sheet, r, 1, item.name, ctx.fmt("text"))
        write_value(table.sheet, r, 2, item.weight, ctx.fmt("number"))
        merge_text(table.sheet, r, 3, _SETTINGS_COLS - 1, item.standard or "", wrap)
        table.texts[0].add(item.dimension)
        table.texts[1].add(item.name)
        _fit_row(table, r, item.standard or "", 3)
        table.row += 1


def _settings_file(ctx: _Context, table: Table) -> None:
    _section(ctx, table, ctx.tr("输入文件与版本", "Input file and version"), _SETTINGS_COLS)
    data = ctx.data
    _kv(
        ctx,
        table,
        ctx.tr("输入文件", "Input file"),
        data.file_name if data else None,
        span_value=True,
    )
    _kv(ctx, table, "SHA-256", data.file_sha256 if data else None, span_value=True)
    _kv(ctx, table, ctx.tr("cs-kpi 版本", "cs-kpi version"), __version__, span_value=True)
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    _kv(ctx, table, ctx.tr("生成时间", "Written at"), now, span_value=True)


def _settings_warnings(ctx: _Context, table: Table, warnings: list[Problem]) -> None:
    hidden = len(warnings) if ctx.team is not None else 0
    listed = [*(warnings if not hidden else []), *(Problem(note) for note in ctx.notes)]
    _section(
        ctx,
        table,
        ctx.tr("警告（{n} 条）", "Warnings ({n})", n=len(listed) + hidden),
        _SETTINGS_COLS,
    )
    if hidden:  # a team's report (SPEC §12): the input's warnings may name other teams' people
        text = ctx.tr(
            "按团队拆分的报告不逐条列出输入文件的 {n} 条警告（可能涉及其他团队的人员）；"
            "见不加 --by-team 的报告",
            "A report per team does not list the input's {n} warning(s) (they may name "
            "people of other teams); see the report written without --by-team",
            n=hidden,
        )
        _kv(ctx, table, ctx.tr("说明", "Note"), text, span_value=True)
    elif not listed:
        _kv(ctx, table, ctx.tr("无", "None"), None, span_value=True)
    for problem in listed:
        where = problem.where or ctx.tr("整个文件", "whole file")
        _kv(ctx, table, where, problem.message(ctx.lang), span_value=True)


ROWS_DROPPED = Text(
    "“{sheet}”超出 Excel 的 {max} 行上限，未写入最后 {n} 行",
    "“{sheet}” exceeds Excel's {max} rows; its last {n} rows are not written",
)
register_codes({"ROWS_DROPPED": ROWS_DROPPED})  # the rest are labels, not problems
