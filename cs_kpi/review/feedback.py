"""The one-to-one feedback workbook of `score --feedback` (SPEC §12, issue 14 point 1).

One sheet per team (teams in the order the report lists them, people in the
report's order within their team), each person a block of rows that prints
as one A4 portrait page: who they are, their total, grade and ranks, their
dimension scores beside a native bar chart against the team mean, their three
strongest items or indicators, every shortfall with its improvement-plan row
(the plan's own sentences, `review/plan.py`), the §4.5 dates and the
signature lines.

Printing: Excel ignores manual page breaks on a sheet set to "fit to N pages"
(XlsxWriter's docs: `fit_to_pages` overrides them), so each sheet gets a
fixed print scale instead, the largest at which its widest row and its
tallest block fit one page, and a manual break above every person but the
first. Every row of a block has an explicit height (neither Excel nor
LibreOffice grows a row to wrapped text on opening), so a block's printed
height is known when the scale is chosen. Nothing is repeated on each page:
a repeated title would push a block onto a second page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from cs_kpi import __version__, vocab
from cs_kpi.i18n import Msg, Text, tr
from cs_kpi.numbers import fmt_num, plain_number, round2
from cs_kpi.review.model import AgentResult, IndicatorResult, ItemResult, PlanRow, ScoreResult
from cs_kpi.review.plan import ITEM_THRESHOLD, tracker_lookup, tracker_text, value_text
from cs_kpi.review.rules import DIMENSION_CLASH, clash_key
from cs_kpi.schema import PLAN, ROLE, ROSTER
from cs_kpi.writer.cells import clean_text, wrapped_lines
from cs_kpi.writer.charts import Placement, Series, copies
from cs_kpi.writer.sheet import new_workbook, row_height
from cs_kpi.writer.stream import RowStream, splice
from cs_kpi.writer.style import FONT, PALETTE, Styles

# ---------------------------------------------------------------- page geometry
COLUMN_WIDTHS = (13.0, 13.0, 16.0, 13.0, 13.0, 12.0)  # A–F, in Excel character units
COLUMNS = len(COLUMN_WIDTHS)
# A4 portrait is 595.3 × 841.9 pt; the margins are SheetWriter.print_setup's (inches).
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6}
PAGE_WIDTH_PT = 595.3 - 72 * (MARGINS["left"] + MARGINS["right"])
# Less a little, for the rounding of row heights to pixels by each spreadsheet program.
PAGE_HEIGHT_PT = 841.9 - 72 * (MARGINS["top"] + MARGINS["bottom"]) - 12
# A column width counts characters of the workbook's default font (Calibri 11, 7 px a
# digit); where that font is missing LibreOffice measures with a wider one (DejaVu Sans
# here: the columns printed 31–35% wider, measured by the scale at which the F column
# moved to a page of its own), so the page width is checked against widths this much wider.
WIDTH_SAFETY = 1.4
MIN_SCALE = 40  # below this a page is no longer readable; no block comes near it
A4 = 9  # xlsxwriter's paper index of A4
# Excel holds at most 1,026 manual page breaks per sheet (xlsxwriter writes 1,023): a team
# with more people than that continues on a second sheet.
MAX_PEOPLE_PER_SHEET = 1024

TITLE_PT = 30.0
LINE_PT = 20.0  # a label · value row, a section title, a header
SMALL_PT = 18.0  # a dimension row, a strength, a date
SIGN_PT = 30.0  # room to sign above the line
DIMENSION_MIN_ROWS = 11  # the chart beside the dimension table is at least this many rows high
STRENGTHS = 3  # SPEC §12: the three strongest items or indicators

# ---------------------------------------------------------------- texts (labels, not problems)
TITLE = Text("{period} 绩效反馈面谈表", "{period} performance feedback")
STRENGTH_BEAT = Text("{name} {actual}，优于目标 {target}", "{name} {actual}, better than {target}")
STRENGTH_MET = Text("{name} {actual}，达到目标 {target}", "{name} {actual}, on target {target}")
STRENGTH_ITEM = Text("{name} {score} 分（满分 10 分）", "{name} {score} out of 10")
MANDATORY_NOTE = Text(
    "总分低于改进阈值 {limit}：必须执行改进计划，安排一对一辅导，一个月内复评",
    "Total below the improvement threshold {limit}: the plan is mandatory, with one-to-one "
    "mentoring and re-assessment within one month",
)
NO_SHORTFALL = Text(
    "无：所有指标达标，所有评分项不低于 6 分", "None: every target met, no item below 6"
)
NO_STRENGTH = Text("无", "None")
ACKNOWLEDGE = Text(
    "以上考核结果与改进计划已在面谈中沟通。",
    "The results and the improvement plan above were discussed in the meeting.",
)


# ---------------------------------------------------------------- what a page shows (pure)
@dataclass(frozen=True)
class Dimension:
    key: str  # in AgentResult.dimensions
    label: str  # as the report heads its column
    is_review: bool


def dimensions(result: ScoreResult, lang: str) -> list[Dimension]:
    """The dimensions as 成绩汇总 lists them: review dimensions first, then indicator
    dimensions; one named like a review dimension has the rules' key and the report's
    label ("服务质量（指标）")."""
    review = [name for name in dict.fromkeys(result.review_dimension_names) if name]
    found = [Dimension(name, name, True) for name in review]
    for name in dict.fromkeys(result.metric_dimension_names):
        if name in review:
            found.append(Dimension(clash_key(name), DIMENSION_CLASH(lang, name=name), False))
        elif name:
            found.append(Dimension(name, name, False))
    known = {dimension.key for dimension in found}
    for agent in result.agents:  # anything else the rules scored, in order of appearance
        for key in agent.dimensions:
            if key not in known:
                known.add(key)
                found.append(Dimension(key, key, key in agent.review_dimensions))
    return found


def team_means(agents: Sequence[AgentResult]) -> dict[str, dict[str, Decimal]]:
    """Team → dimension key → the mean of that dimension's shown score over the team's
    people who have it, rounded half-up to 2 decimals like every shown number (§4.3)."""
    sums: dict[str, dict[str, list[Decimal]]] = {}
    for agent in agents:
        team = sums.setdefault(agent.person.team, {})
        for key, score in agent.dimensions.items():
            if score is not None:
                team.setdefault(key, []).append(score)
    return {
        team: {key: round2(sum(values, Decimal(0)) / len(values)) for key, values in by_key.items()}
        for team, by_key in sums.items()
    }


def _margin(result: IndicatorResult) -> Decimal:
    """How far beyond its target an indicator is, as a share of the target (0 when the
    target is 0)."""
    target = result.indicator.target
    if result.actual is None or not target:
        return Decimal(0)
    beyond = (
        result.actual - target if result.indicator.direction != "lower" else target - result.actual
    )
    return beyond / abs(target)


def strengths(agent: AgentResult, limit: int = STRENGTHS) -> list[Msg]:
    """The person's strongest indicators or review items, best first (SPEC §12).

    Candidates are what is not a shortfall in the plan (§4.6): indicators that meet their
    target and items scoring 6 or more. They rank by their share of the most they could
    score (points ÷ weight; item score ÷ 10), then by how far beyond target an indicator
    is, then in sheet order (指标, then 评分项)."""
    ranked: list[tuple[Decimal, Decimal, int]] = []
    for order, found in enumerate(agent.metrics):
        if found.actual is None or not found.met or found.points is None:
            continue
        weight = found.indicator.weight
        share = found.points / weight if weight else Decimal(1)
        ranked.append((-share, -_margin(found), order))
    for order, item in enumerate(agent.reviews, start=len(agent.metrics)):
        if item.score >= ITEM_THRESHOLD:
            ranked.append((-item.score / 10, Decimal(0), order))
    ranked.sort()
    metrics = len(agent.metrics)
    return [
        _indicator_strength(agent.metrics[order])
        if order < metrics
        else _item_strength(agent.reviews[order - metrics])
        for _, _, order in ranked[:limit]
    ]


def _indicator_strength(found: IndicatorResult) -> Msg:
    assert found.actual is not None
    text = (
        STRENGTH_BEAT if found.shortfall == 0 and found.actual != found.indicator.target else None
    )
    return (text or STRENGTH_MET).msg(
        name=found.indicator.name,
        actual=value_text(found, found.actual),
        target=value_text(found, found.indicator.target),
    )


def _item_strength(item: ItemResult) -> Msg:
    return STRENGTH_ITEM.msg(name=item.item.name, score=fmt_num(item.score))


def plan_rows_by_person(plan: Sequence[PlanRow]) -> dict[str, list[PlanRow]]:
    rows: dict[str, list[PlanRow]] = {}
    for row in plan:
        rows.setdefault(row.id, []).append(row)
    return rows


def pages_in_team_order(
    result: ScoreResult, people: Sequence[str] | None = None
) -> list[tuple[str, list[AgentResult]]]:
    """(team, its assessed people) in the report's order: teams as they first appear,
    people as listed. People not assessed (no total, §4.3) get no page; `people`
    (IDs) keeps only those, e.g. one team's for `--by-team`."""
    wanted = None if people is None else set(people)
    teams: dict[str, list[AgentResult]] = {}
    for agent in result.agents:
        if agent.total is None or (wanted is not None and agent.person.id not in wanted):
            continue
        teams.setdefault(agent.person.team, []).append(agent)
    return list(teams.items())


# ---------------------------------------------------------------- the workbook
def write_feedback(
    result: ScoreResult, lang: str, target: Path, people: Sequence[str] | None = None
) -> None:
    """Write the feedback pages of `result` to `target` (a temp path; the caller renames).

    `people` (IDs) limits the pages to those people — one team's for `--by-team`; ranks
    and team means stay those of the whole result (SPEC §12).

    Speed (issue 14 point 6): each sheet's rows are streamed (`writer.stream`) and only
    its first chart is xlsxwriter's; the others are copies of it (`writer.charts`)."""
    properties = {
        vocab.KIND_PROPERTY: vocab.FEEDBACK_KIND,
        vocab.CS_KPI_VERSION_PROPERTY: __version__,
    }
    # in_memory: a part per sheet and chart, none through a temp file of its own.
    workbook = new_workbook(Path(target), properties, in_memory=True)
    book = _Book(workbook, result, lang)
    workbook.set_properties({"title": book.title, "author": "cs-kpi"})
    names = _SheetNames(lang)
    teams = pages_in_team_order(result, people)
    sheets: list[_TeamSheet] = []
    if not teams:
        _empty_sheet(book, names.unique(""))
    for team, agents in teams:
        for start in range(0, len(agents), MAX_PEOPLE_PER_SHEET):
            chunk = agents[start : start + MAX_PEOPLE_PER_SHEET]
            sheets.append(book.team_sheet(names.unique(team), chunk))
    workbook.close()
    charts = {sheet.name: sheet.charts for sheet in sheets}
    splice(Path(target), [sheet.stream for sheet in sheets], lambda done: copies(done, charts))


class _SheetNames:
    """Excel sheet names from team names: no []:*?/\\, at most 31 characters, unique
    ignoring case; a blank team is （未分组） / (no team)."""

    FORBIDDEN = str.maketrans({char: "_" for char in "[]:*?/\\"})

    def __init__(self, lang: str):
        self.lang = lang
        self.taken: set[str] = set()

    def unique(self, team: str) -> str:
        base = clean_text(team).translate(self.FORBIDDEN).strip().strip("'")[:31]
        base = base or tr(self.lang, "（未分组）", "(no team)")
        name, number = base, 1
        while name.casefold() in self.taken:
            number += 1
            suffix = f" ({number})"
            name = base[: 31 - len(suffix)] + suffix
        self.taken.add(name.casefold())
        return name


def _empty_sheet(book: _Book, name: str) -> None:
    sheet = book.workbook.add_worksheet(name)
    sheet.write_string(0, 0, book.t("没有参评人员", "Nobody was assessed"), book.styles.title)


@dataclass
class _TeamSheet:
    name: str
    stream: RowStream
    charts: list[Placement]
    layouts: dict[tuple[Any, ...], int] = field(default_factory=dict)  # formats → layout id


class _Book:
    """The workbook, its formats and what every page needs from the whole result."""

    def __init__(self, workbook: Any, result: ScoreResult, lang: str):
        self.workbook = workbook
        self.result = result
        self.lang = lang
        self.styles = Styles(workbook)
        self.period = (result.scheme.period or "").strip()
        self.title = TITLE(lang, period=self.period).strip()
        self.dimensions = dimensions(result, lang)
        self.means = team_means(result.agents)
        self.plan = plan_rows_by_person(result.plan)
        self.managers = tracker_lookup([agent.person for agent in result.agents])
        ranked = [a for a in result.agents if a.rank is not None]
        self.ranked = len(ranked)
        self.team_sizes: dict[str, int] = {}
        for agent in ranked:
            self.team_sizes[agent.person.team] = self.team_sizes.get(agent.person.team, 0) + 1
        self.formats = _Formats(self.styles)
        self._labels: dict[str, str] = {}

    def t(self, zh: str, en: str) -> str:
        """A label in the workbook's language (a page has ~30; each is looked up once)."""
        found = self._labels.get(zh)
        if found is None:
            found = self._labels[zh] = tr(self.lang, zh, en)
        return found

    def team_sheet(self, name: str, agents: Sequence[AgentResult]) -> _TeamSheet:
        """One sheet: a page per person, a manual break above each but the first, the
        print scale at which every block fits one A4 portrait page."""
        sheet = self.workbook.add_worksheet(name)
        for col, width in enumerate(COLUMN_WIDTHS):
            sheet.set_column(col, col, width)
        stream = RowStream(sheet, COLUMNS, first_row=0)
        found = _TeamSheet(name, stream, [])
        row, starts, tallest = 0, [], 0.0
        for agent in agents:
            starts.append(row)
            page = _Page(self, found, agent, row)
            page.write()
            tallest = max(tallest, page.height)
            row = page.row
        stream.write_probes()
        if found.charts:
            self._prototype_chart(sheet, found.charts[0])
        _print_setup(sheet, name, row - 1, starts[1:], print_scale(tallest))
        return found

    def _prototype_chart(self, sheet: Any, placement: Placement) -> None:
        """The sheet's one xlsxwriter chart, every option set the public way; the pages'
        charts are copies of it with their own cells (writer.charts.copies)."""
        name = sheet.name
        chart = self.workbook.add_chart({"type": "bar"})
        colours = (PALETTE.chart_bar, PALETTE.chart_grey)
        for series, colour in zip(placement.series, colours, strict=True):
            chart.add_series(
                {
                    "name": [name, *series.name_cell],
                    "categories": [name, series.first_row, 0, series.last_row, 0],
                    "values": [
                        name,
                        series.first_row,
                        series.value_col,
                        series.last_row,
                        series.value_col,
                    ],
                    "fill": {"color": colour},
                    "data_labels": {"value": True, "num_format": "0.00", "font": CHART_FONT},
                    "gap": 40,
                }
            )
        chart.set_x_axis(
            {
                "min": 0,
                "max": 100,
                "major_unit": 20,
                "num_font": CHART_FONT,
                "major_gridlines": {"visible": True, "line": {"color": PALETTE.gridline}},
            }
        )
        chart.set_y_axis({"reverse": True, "num_font": CHART_FONT})
        chart.set_legend({"position": "bottom", "font": CHART_FONT})
        chart.set_chartarea({"border": {"none": True}})
        sheet.insert_chart(placement.row, placement.col, chart)


def _print_setup(sheet: Any, name: str, last_row: int, breaks: list[int], scale: int) -> None:
    sheet.set_paper(A4)
    sheet.set_portrait()
    sheet.set_margins(**MARGINS)
    sheet.set_footer(f"&L{name.replace('&', '&&')}&R&P / &N")
    sheet.print_area(0, 0, max(last_row, 0), COLUMNS - 1)
    sheet.set_h_pagebreaks(breaks)
    sheet.set_print_scale(scale)
    sheet.hide_gridlines(2)  # a form, not a grid, on screen and on paper


def columns_width_pt(widths: Sequence[float] = COLUMN_WIDTHS) -> float:
    """The printed width of columns: Excel's width × 7 + 5 pixels each, 0.75 pt a pixel."""
    return sum(int(width * 7 + 5) for width in widths) * 0.75


def print_scale(tallest_pt: float) -> int:
    """The largest whole percentage (≤ 100) at which the columns and the tallest block fit
    one A4 portrait page."""
    wide = columns_width_pt() * WIDTH_SAFETY
    fit = min(PAGE_WIDTH_PT / wide, PAGE_HEIGHT_PT / max(tallest_pt, 1.0))
    return max(MIN_SCALE, min(100, int(fit * 100)))


class _Formats:
    """The few formats a page uses, created once per workbook."""

    def __init__(self, styles: Styles):
        self.styles = styles
        self.title = styles.get(bold=True, font_size=14, font_color=PALETTE.title)
        self.section = styles.section
        self.header = styles.header
        self.label = styles.cell(bold=True, bg_color=PALETTE.label, text_wrap=True)
        self.text = styles.cell("text", text_wrap=True)
        self.score = styles.cell("score", align="left")
        self.date = styles.cell("date", align="left")
        self.grade = styles.cell("text", bold=True, align="left")
        self.wrap = styles.cell("text", text_wrap=True, valign="top")
        self.wrap_date = styles.cell("date", valign="top", align="left")
        self.mandatory = styles.cell(
            "text", text_wrap=True, valign="top", bg_color=PALETTE.mandatory
        )
        self.mandatory_date = styles.cell(
            "date", valign="top", align="left", bg_color=PALETTE.mandatory
        )
        self.dim_score = styles.cell("score")
        self.line = styles.get(text_wrap=True)
        self.note = styles.get(font_color=PALETTE.note, italic=True, text_wrap=True)
        self.sign = styles.get(bottom=1, bottom_color="#000000")
        self.sign_label = styles.get(bold=True, valign="bottom")
        self._ranks: dict[int, Any] = {}
        self.bordered = {
            id(fmt)
            for fmt in (self.header, self.label, self.text, self.score, self.date, self.grade)
            + (self.wrap, self.wrap_date, self.mandatory, self.mandatory_date, self.sign)
        }

    def rank(self, of: int) -> Any:
        """A rank shown with its group's size, '2 / 15', the cell holding the number 2."""
        found = self._ranks.get(of)
        if found is None:
            found = self._ranks[of] = self.styles.cell(
                "int", num_format=f'0" / {of}"', align="left"
            )
            self.bordered.add(id(found))
        return found


def _width(first: int, last: int) -> float:
    """The width in characters of columns first..last merged."""
    return sum(COLUMN_WIDTHS[first : last + 1])


@lru_cache(maxsize=65536)  # labels and plan sentences repeat from page to page
def _lines(text: str, first: int, last: int) -> int:
    return wrapped_lines(text, _width(first, last))


Cell = tuple[int, int, Any, Any]  # first column, last column, value, format


class _Page:
    """One person's block of rows, streamed top to bottom from `row`."""

    def __init__(self, book: _Book, sheet: _TeamSheet, agent: AgentResult, row: int):
        self.book, self.sheet, self.agent = book, sheet, agent
        self.fmt = book.formats
        self.first = self.row = row
        self.height = 0.0

    # -- rows
    def cells(self, cells: Sequence[Cell], height: float | None = None) -> None:
        """One row of cells, each over columns first..last (merged when more than one),
        as tall as its longest wrapped text, at least `height`."""
        values: list[Any] = [None] * COLUMNS
        formats: list[Any] = [None] * COLUMNS  # no cell: a page has many blank ones
        lines = 1
        r = self.row + 1
        merges = self.sheet.stream.merges
        for first, last, value, fmt in cells:
            values[first] = value
            formats[first] = fmt
            if last > first:
                # The rest of a merged range needs cells only to carry borders.
                if id(fmt) in self.fmt.bordered:
                    formats[first + 1 : last + 1] = [fmt] * (last - first)
                merges.append(f"{_LETTERS[first]}{r}:{_LETTERS[last]}{r}")
            if value.__class__ is str and len(value) > _SHORT:
                lines = max(lines, _lines(value, first, last))
        points = max(height or SMALL_PT, row_height(lines) if lines > 1 else 0)
        stream = self.sheet.stream
        key = tuple(formats)
        layout = self.sheet.layouts.get(key)
        if layout is None:
            layout = self.sheet.layouts[key] = stream.layout(formats)
        stream.add(self.row, values, layout, points)
        self.height += points
        self.row += 1

    def section(self, text: str) -> None:
        self.cells([(0, COLUMNS - 1, text, self.fmt.section)], LINE_PT)

    def pairs(self, left: tuple[str, Any, Any], right: tuple[str, Any, Any]) -> None:
        """label (A) · value (B:C) · label (D) · value (E:F)."""
        label = self.fmt.label
        self.cells(
            [
                (0, 0, left[0], label),
                (1, 2, left[1], left[2]),
                (3, 3, right[0], label),
                (4, 5, right[1], right[2]),
            ],
            LINE_PT,
        )

    def line(self, text: str, fmt: Any) -> None:
        """A sentence across the page."""
        self.cells([(0, COLUMNS - 1, text, fmt)])

    # -- the page
    def write(self) -> None:
        self.header()
        self.results()
        self.dimension_table()
        self.strength_list()
        self.plan_table()
        self.dates()
        self.signatures()

    def header(self) -> None:
        book, person, lang = self.book, self.agent.person, self.book.lang
        title = f"{book.title} · {person.name or person.id}"
        self.cells([(0, COLUMNS - 1, title, self.fmt.title)], TITLE_PT)
        text = self.fmt.text
        role = ROLE.label(person.role, lang) if person.role in _ROLE_CODES else person.role
        self.pairs(
            (ROSTER.column("name").label(lang), person.name, text),
            (ROSTER.column("id").label(lang), person.id, text),
        )
        self.pairs(
            (ROSTER.column("team").label(lang), person.team, text),
            (ROSTER.column("role").label(lang), role, text),
        )
        self.pairs(
            (
                ROSTER.column("manager").label(lang),
                tracker_text(person.manager, book.managers),
                text,
            ),
            (book.t("考核周期", "Period"), book.period, text),
        )

    def results(self) -> None:
        book, agent = self.book, self.agent
        self.section(book.t("考核结果", "Results"))
        grade = agent.grade.label(book.lang) if agent.grade else None
        self.pairs(
            (book.t("总分", "Total"), agent.total, self.fmt.score),
            (book.t("等级", "Grade"), grade, self.fmt.grade),
        )
        team_size = book.team_sizes.get(agent.person.team, 0)
        self.pairs(
            (book.t("团队排名", "Team rank"), agent.team_rank, self.fmt.rank(team_size)),
            (book.t("总排名", "Overall rank"), agent.rank, self.fmt.rank(book.ranked)),
        )
        self.pairs(
            (book.t("指标得分", "Metric score"), agent.metric_score, self.fmt.score),
            (book.t("360评价得分", "Review score"), agent.review_score, self.fmt.score),
        )

    def dimension_table(self) -> None:
        """维度 · 本人 · 团队平均 in A:C, the bar chart of the two over D:F beside it."""
        book, agent, fmt = self.book, self.agent, self.fmt
        self.section(
            book.t("各维度得分（本人与团队平均）", "Dimension scores (self and team mean)")
        )
        header_row = self.row
        labels = (
            book.t("维度", "Dimension"),
            book.t("本人", "Self"),
            book.t("团队平均", "Team mean"),
        )
        self.cells([(col, col, label, fmt.header) for col, label in enumerate(labels)], LINE_PT)
        means = book.means.get(agent.person.team, {})
        shown = [d for d in book.dimensions if agent.dimensions.get(d.key) is not None]
        first = self.row
        for dimension in shown:
            self.cells(
                [
                    (0, 0, dimension.label, fmt.text),
                    (1, 1, agent.dimensions[dimension.key], fmt.dim_score),
                    (2, 2, means.get(dimension.key), fmt.dim_score),
                ]
            )
        for _ in range(len(shown) + 1, DIMENSION_MIN_ROWS):  # room for the chart
            self.cells([])
        if shown:
            last = first + len(shown) - 1
            categories = [d.label for d in shown]
            series = [
                Series((header_row, col), labels[col], first, last, 0, categories, col, values)
                for col, values in (
                    (1, [agent.dimensions[d.key] for d in shown]),
                    (2, [means.get(d.key) for d in shown]),
                )
            ]
            self.sheet.charts.append(Placement(header_row, 3, self.row, COLUMNS, series))

    def strength_list(self) -> None:
        book = self.book
        self.section(book.t("表现突出（前三项）", "Strongest results (top three)"))
        found = strengths(self.agent)
        if not found:
            self.line(NO_STRENGTH(book.lang), self.fmt.line)
        for number, msg in enumerate(found, start=1):
            self.line(f"{number}. {msg.render(book.lang)}", self.fmt.line)

    def plan_table(self) -> None:
        """Every shortfall with its plan row, in the plan's own words (SPEC §4.6):
        存在不足 (A:B) · 改进目标 (C) · 行动项 (D:E) · 完成时间 (F)."""
        book, lang, fmt = self.book, self.book.lang, self.fmt
        self.section(book.t("存在不足与改进计划", "Shortfalls and improvement plan"))
        rows = book.plan.get(self.agent.person.id, [])
        if not rows:
            self.line(NO_SHORTFALL(lang), fmt.line)
            return
        if any(row.mandatory for row in rows):
            limit = plain_number(book.result.scheme.improvement_threshold)
            self.line(MANDATORY_NOTE(lang, limit=limit), fmt.note)
        keys = ("shortfall", "goal", "actions", "due")
        spans = (*_SPANS, (5, 5))
        header = [PLAN.column(key).label(lang) for key in keys]
        self.cells(
            [(a, b, label, fmt.header) for (a, b), label in zip(spans, header, strict=True)],
            LINE_PT,
        )
        for row in rows:
            text, date = (
                (fmt.mandatory, fmt.mandatory_date) if row.mandatory else (fmt.wrap, fmt.wrap_date)
            )
            values = (row.shortfall.render(lang), row.goal.render(lang), row.actions.render(lang))
            cells = [(a, b, value, text) for (a, b), value in zip(_SPANS, values, strict=True)]
            self.cells([*cells, (5, 5, row.due, date)])

    def dates(self) -> None:
        """SPEC §4.5, the same dates as the report's 日程 sheet (result.schedule)."""
        book = self.book
        schedule = book.result.schedule
        if schedule is None:
            return
        self.section(book.t("面谈与申诉日程", "Meeting and appeal dates"))
        date = self.fmt.date
        self.pairs(
            (book.t("报告日期", "Report date"), schedule.report_date, date),
            (book.t("反馈面谈截止", "Interview by"), schedule.interview_by, date),
        )
        self.pairs(
            (book.t("申诉截止", "Appeal by"), schedule.appeal_by, date),
            (book.t("申诉答复截止", "Appeal answered by"), schedule.appeal_answer_by, date),
        )

    def signatures(self) -> None:
        book, fmt = self.book, self.fmt
        self.section(book.t("签字确认", "Signatures"))
        self.line(ACKNOWLEDGE(book.lang), fmt.line)
        for who in (book.t("员工签字", "Employee"), book.t("上级签字", "Manager")):
            self.cells(
                [
                    (0, 0, who, fmt.sign_label),
                    (1, 2, None, fmt.sign),
                    (3, 3, book.t("日期", "Date"), fmt.sign_label),
                    (4, 5, None, fmt.sign),
                ],
                SIGN_PT,
            )


_SPANS = ((0, 1), (2, 2), (3, 4))  # 存在不足 · 改进目标 · 行动项; 完成时间 in F
_LETTERS = "ABCDEF"
_SHORT = 5  # a text this short fits one line of any column
CHART_FONT = {"name": FONT, "size": 9}
_ROLE_CODES = {option.code for option in ROLE.options}
