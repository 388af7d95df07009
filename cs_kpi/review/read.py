"""Read a filled performance-review workbook (SPEC §3.4) into a ReviewInput.

Every problem is collected with its sheet and cell; the rules only ever see
clean data. Nothing here trusts a formula result: 加权得分 is never read.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from cs_kpi.i18n import Text, register_codes
from cs_kpi.labels import normalize_label
from cs_kpi.numbers import ONE, ZERO, pct_text, round2
from cs_kpi.paths import file_sha256
from cs_kpi.problems import Problems
from cs_kpi.reader import (
    REQUIRED,
    Cell,
    CellParser,
    Table,
    WorkbookFile,
    cell_ref,
    id_text,
    read_settings,
    read_table,
    warn_default,
    wrong_kind_error,
)
from cs_kpi.review.model import (
    Indicator,
    MetricValue,
    Person,
    ReviewInput,
    ReviewItem,
    ReviewRow,
    Scheme,
    Source,
)
from cs_kpi.schema import (
    INDICATORS,
    KINDS_BY_KEY,
    METRICS,
    PEER_DETAIL,
    REVIEW_ITEMS,
    REVIEWS,
    ROSTER,
    SCHEME,
)
from cs_kpi.values import parse_step_percent

REVIEW_KIND = KINDS_BY_KEY["performance-review"]

RATER_WEIGHTS_NOT_100 = Text(
    "自评、互评、上级评价权重之和为 {total}，应为 100%{cells}",
    "self, peer and manager weights add up to {total}; they must add up to 100%{cells}",
)
SHARE_RANGE = Text(
    "定量指标占比应在 0–100% 之间", "the quantitative share must be between 0 and 100%"
)
DUPLICATE = Text(
    "“{value}”重复（第一次出现在 {first}）", "“{value}” appears twice (first at {first})"
)
UNKNOWN_ID = Text("工号“{value}”不在“{roster}”表中", "ID “{value}” is not in the “{roster}” sheet")
UNKNOWN_ITEM = Text(
    "评分项“{value}”不在“{sheet}”表中（可选：{valid}）",
    "review item “{value}” is not in the “{sheet}” sheet (valid items: {valid})",
)
UNKNOWN_INDICATOR_COLUMN = Text(
    "列“{value}”在“{sheet}”表中没有对应的指标（指标：{valid}）",
    "column “{value}” has no row in the “{sheet}” sheet (indicators: {valid})",
)
MISSING_INDICATOR_COLUMN = Text(
    "指标“{value}”在“{sheet}”表中没有数据列",
    "indicator “{value}” has no column in the “{sheet}” sheet",
)
MANAGER_BLANK = Text("上级评价不能为空", "the manager score must not be blank")
STEP_REQUIRED = Text(
    "扣分法需要“扣分步长”和“每步扣分”（大于 0）",
    "the deduction method needs a step and points per step (above 0)",
)
POSITIVE = Text("“{label}”必须大于 0", "“{label}” must be above 0")
NO_PEOPLE = Text("“{sheet}”表没有人员", "the “{sheet}” sheet lists nobody")
NOTHING_TO_SCORE = Text(
    "没有可计算的数据：“{metrics}”和“{reviews}”表都没有数据行",
    "nothing to score: the “{metrics}” and “{reviews}” sheets have no data rows",
)
PEER_DETAIL_UNUSED = Text(
    "互评明细中 {id} / {item} 在“{sheet}”表中没有对应行，未使用",
    "peer detail for {id} / {item} has no row in the “{sheet}” sheet; it was not used",
)


def load_review(source: Path | WorkbookFile) -> tuple[ReviewInput | None, Problems]:
    """Read and check the workbook. Raises InputError only for a file that is not a readable xlsx
    or is another kind of cs-kpi workbook; all cell problems are returned in Problems."""
    # An opened workbook is read as it is (validate opens it once, to detect its kind).
    book = source if isinstance(source, WorkbookFile) else WorkbookFile(source)
    path = book.path
    wrong = wrong_kind_error(book, REVIEW_KIND)
    if wrong:
        raise wrong
    problems = Problems()
    parser = CellParser(problems)
    reading = _Reading(book, parser, problems)
    scheme = reading.scheme()
    indicators = reading.indicators()
    items = reading.items()
    people = reading.people()
    metrics = reading.metrics(indicators, people)
    reviews = reading.reviews(items, people)
    reading.require_something_to_score(people, metrics, reviews)
    if problems.errors:
        return None, problems
    data = ReviewInput(
        scheme=scheme,
        indicators=indicators,
        items=items,
        people=people,
        metrics=metrics,
        reviews=reviews,
        file_name=Path(path).name,
        file_sha256=file_sha256(Path(path)),
    )
    return data, problems


class _Reading:
    """One pass over the sheets of a performance-review workbook."""

    def __init__(self, book: WorkbookFile, parser: CellParser, problems: Problems):
        self.book = book
        self.parse = parser
        self.problems = problems
        # Sheets as the file names them, for messages (the book's own language when absent).
        self.roster_sheet = book.find_sheet(ROSTER) or ROSTER.name(book.lang)
        self.items_sheet = book.find_sheet(REVIEW_ITEMS) or REVIEW_ITEMS.name(book.lang)
        self._ids: dict[str, str] = {}  # raw ID text → id_text
        # Names of 指标 rows that had a problem: their 指标数据 column is not "unknown" too.
        self.rejected_indicators: set[str] = set()

    def require_something_to_score(
        self, people: list[Person], metrics: dict[str, list[MetricValue]], reviews: list[ReviewRow]
    ) -> None:
        """An empty roster, or no metric and no review rows at all, leaves nothing to grade."""
        if self.problems.errors:
            return
        if not people:
            self.problems.error(NO_PEOPLE.msg(sheet=self.roster_sheet), self.roster_sheet)
        elif not reviews and not any(
            v.actual is not None for values in metrics.values() for v in values
        ):
            self.problems.error(NOTHING_TO_SCORE.msg(metrics=METRICS, reviews=REVIEWS))

    # ------------------------------------------------------------ 考核方案
    def scheme(self) -> Scheme:
        cells = read_settings(self.book, SCHEME, self.problems) or {}
        scheme = Scheme()
        parse = self.parse
        for setting in SCHEME.settings:
            cell = cells.get(setting.key)
            if setting.kind == "text":
                value = parse.text(cell)
            elif setting.kind == "date":
                value = parse.date(cell)
            elif setting.kind == "weight":
                value = parse.weight(cell)
            elif setting.kind == "choice":
                value = parse.choice(cell, setting.choices)  # type: ignore[arg-type]
            else:
                value = parse.number(cell)
            failed = cell is not None and parse.did_fail(cell)
            if value in (None, "") and setting.default is not None and not failed:
                value = setting.default
                warn_default(self.problems, setting, cell, SCHEME.name(self.book.lang))
            if value not in (None, ""):
                setattr(scheme, setting.key, value)
        total = scheme.self_weight + scheme.peer_weight + scheme.manager_weight
        if total != ONE:
            weight_cells = [cells.get(k) for k in ("self_weight", "peer_weight", "manager_weight")]
            first = next((c for c in weight_cells if c is not None), None)
            refs = ", ".join(c.ref for c in weight_cells if c is not None)
            self.problems.error(
                RATER_WEIGHTS_NOT_100.msg(
                    total=pct_text(total), cells=f" ({refs})" if refs else ""
                ),
                first.sheet if first else SCHEME.name(self.book.lang),
                first.ref if first else None,
            )
        if not (ZERO <= scheme.quantitative_share <= ONE):
            cell = cells.get("quantitative_share")
            self.problems.error(
                SHARE_RANGE.msg(), cell.sheet if cell else None, cell.ref if cell else None
            )
        return scheme

    # ------------------------------------------------------------ 指标
    def indicators(self) -> list[Indicator]:
        table = read_table(self.book, INDICATORS, self.problems)
        if table is None:
            return []
        indicators: list[Indicator] = []
        seen: dict[str, str] = {}
        parse = self.parse
        for row in table.rows:
            name_cell = row["name"]
            name = parse.text(name_cell)
            if not name:
                self._required(name_cell, INDICATORS.column("name"))
                continue
            key = normalize_label(name)
            if not self._first_time(seen, key, name, name_cell, name):
                continue
            unit = parse.text(row.get("unit"))
            is_percent = unit in {"%", "％"}
            direction = parse.choice(row["direction"], INDICATORS.column("direction").choices)  # type: ignore[arg-type]
            if direction is None and not parse.did_fail(row["direction"]):
                self._required(row["direction"], INDICATORS.column("direction"))
            target = parse.percent(row["target"]) if is_percent else parse.number(row["target"])
            if target is None and not parse.did_fail(row["target"]):
                self._required(row["target"], INDICATORS.column("target"))
            weight = parse.number(row["weight"])
            if weight is None and not parse.did_fail(row["weight"]):
                self._required(row["weight"], INDICATORS.column("weight"))
            method = (
                parse.choice(row.get("method"), INDICATORS.column("method").choices) or "deduction"
            )  # type: ignore[arg-type]
            step = self._step(row.get("step"), is_percent)
            points_per_step = parse.number(row.get("points_per_step"))
            if method == "deduction" and not (step and points_per_step):
                bad = row.get("step") if not step else row.get("points_per_step")
                if bad is None or not parse.did_fail(bad):
                    cell = bad or row["name"]
                    self.problems.error(STEP_REQUIRED.msg(), cell.sheet, cell.ref, cell.raw)
            if method == "ratio" and target is not None and target == 0:
                self.problems.error(
                    POSITIVE.msg(label=INDICATORS.column("target")),
                    row["target"].sheet,
                    row["target"].ref,
                    row["target"].raw,
                )
            excess = (
                parse.choice(row.get("excess_bonus"), INDICATORS.column("excess_bonus").choices)
                == "yes"
            )  # type: ignore[arg-type]
            if None in (direction, target, weight):
                self.rejected_indicators.add(key)
                continue
            indicators.append(
                Indicator(
                    dimension=parse.text(row["dimension"]),
                    name=name,
                    direction=direction,  # type: ignore[arg-type]
                    target=target,  # type: ignore[arg-type]
                    weight=weight,  # type: ignore[arg-type]
                    method=method,
                    step=step,
                    points_per_step=points_per_step,
                    unit=unit,
                    excess_bonus=excess,
                    definition=parse.text(row.get("definition")),
                    suggestion=parse.text(row.get("suggestion")),
                    source=Source(name_cell.sheet, name_cell.ref),
                )
            )
        return indicators

    def _step(self, cell: Cell | None, is_percent: bool) -> Decimal | None:
        if cell is None or cell.blank:
            return None
        if not is_percent:
            value = self.parse.number(cell)
        else:
            try:
                value = parse_step_percent(cell.raw)
            except ValueError as error:
                self.parse.fail(cell, error)  # type: ignore[arg-type]
                return None
        if value is not None and value <= 0:
            self.parse.fail(cell, POSITIVE.msg(label=INDICATORS.column("step")))
            return None
        return value

    # ------------------------------------------------------------ 评分项
    def items(self) -> list[ReviewItem]:
        table = read_table(self.book, REVIEW_ITEMS, self.problems)
        if table is None:
            return []
        items: list[ReviewItem] = []
        seen: dict[str, str] = {}
        for row in table.rows:
            cell = row["item"]
            name = self.parse.text(cell)
            if not name:
                self._required(cell, REVIEW_ITEMS.column("item"))
                continue
            key = normalize_label(name)
            if not self._first_time(seen, key, name, cell, name):
                continue
            weight = self.parse.number(row.get("weight"))
            if weight is not None and weight <= 0:
                self.parse.fail(
                    row["weight"],
                    POSITIVE.msg(label=REVIEW_ITEMS.column("weight")),
                )
                weight = None
            items.append(
                ReviewItem(
                    dimension=self.parse.text(row["dimension"]),
                    name=name,
                    standard=self.parse.text(row.get("standard")),
                    weight=weight if weight is not None else Decimal(1),
                )
            )
        return items

    # ------------------------------------------------------------ 员工
    def people(self) -> list[Person]:
        table = read_table(self.book, ROSTER, self.problems)
        if table is None:
            return []
        people: list[Person] = []
        seen: dict[str, str] = {}
        for row in table.rows:
            cell = row["id"]
            person_id = id_text(cell.raw)
            if not person_id:
                self._required(cell, ROSTER.column("id"))
                continue
            if not self._first_time(seen, person_id, person_id, cell, cell.raw):
                continue
            role = row.get("role")
            people.append(
                Person(
                    id=person_id,
                    name=self.parse.text(row["name"]),
                    team=self.parse.text(row.get("team")),
                    role=self.parse.choice(role, ROSTER.column("role").choices) or ""
                    if role
                    else "",  # type: ignore[arg-type]
                    hire_date=self.parse.date(row.get("hire_date")),
                    manager=self.parse.text(row.get("manager")),
                    source=Source(cell.sheet, cell.ref),
                )
            )
        return people

    def _person_id(self, cell: Cell, people_ids: set[str], roster_read: bool) -> str | None:
        raw = cell.raw
        if raw.__class__ is str:  # an ID typed as text repeats on each of a person's rows
            person_id = self._ids.get(raw)
            if person_id is None:
                person_id = self._ids[raw] = id_text(raw)
        else:
            person_id = id_text(raw)
        if not person_id:
            self._required(cell, ROSTER.column("id"))
            return None
        if roster_read and person_id not in people_ids:
            self.problems.error(
                UNKNOWN_ID.msg(value=person_id, roster=self.roster_sheet),
                cell.sheet,
                cell.ref,
                cell.raw,
            )
            return None
        return person_id

    # ------------------------------------------------------------ 指标数据
    def metrics(
        self, indicators: list[Indicator], people: list[Person]
    ) -> dict[str, list[MetricValue]]:
        table = read_table(self.book, METRICS, self.problems)
        if table is None:
            return {}
        by_name = {normalize_label(ind.name): ind for ind in indicators}
        columns = self._indicator_columns(table, indicators, by_name)
        ids = {p.id for p in people}
        found: dict[str, list[MetricValue]] = {}
        first_row: dict[str, str] = {}
        for row in table.rows:
            id_cell = row["id"]
            person_id = self._person_id(id_cell, ids, bool(people))
            if person_id is None:
                continue
            if not self._first_time(first_row, person_id, person_id, id_cell, id_cell.raw):
                continue
            values: list[MetricValue] = []
            for label, indicator in columns:
                cell = row.extra[label]
                if indicator.is_percent:
                    actual = self.parse.percent(cell)
                else:
                    actual = self.parse.number(cell)
                values.append(MetricValue(indicator.name, actual, Source(cell.sheet, cell.ref)))
            found[person_id] = values
        return found

    def _indicator_columns(
        self, table: Table, indicators: list[Indicator], by_name: dict[str, Indicator]
    ) -> list[tuple[str, Indicator]]:
        columns: list[tuple[str, Indicator]] = []
        valid = ", ".join(ind.name for ind in indicators)
        matched: set[str] = set()
        for label, col in table.dynamic:
            indicator = by_name.get(normalize_label(label))
            if indicator is None and normalize_label(label) in self.rejected_indicators:
                continue  # its 指标 row is already reported
            if indicator is None:
                self.problems.error(
                    UNKNOWN_INDICATOR_COLUMN.msg(value=label, sheet=INDICATORS, valid=valid),
                    table.sheet,
                    cell_ref(table.header_row - 1, col),
                    label,
                )
                continue
            matched.add(normalize_label(indicator.name))
            columns.append((label, indicator))
        for indicator in indicators:
            if normalize_label(indicator.name) not in matched:
                self.problems.error(
                    MISSING_INDICATOR_COLUMN.msg(value=indicator.name, sheet=table.sheet),
                    table.sheet,
                    f"A{table.header_row}",
                    indicator.name,
                )
        # Keep 指标 order whatever the column order.
        order = {normalize_label(ind.name): i for i, ind in enumerate(indicators)}
        columns.sort(key=lambda pair: order[normalize_label(pair[1].name)])
        return columns

    # ------------------------------------------------------------ 360评价 and 互评明细
    def reviews(self, items: list[ReviewItem], people: list[Person]) -> list[ReviewRow]:
        table = read_table(self.book, REVIEWS, self.problems)
        if table is None:
            return []
        item_names = {normalize_label(item.name): item.name for item in items}
        valid = ", ".join(item.name for item in items)
        ids = {p.id for p in people}
        detail = self._peer_detail(item_names, ids, bool(people))
        rows: list[ReviewRow] = []
        seen: dict[tuple[str, str], str] = {}
        for row in table.rows:
            person_id = self._person_id(row["id"], ids, bool(people))
            item_cell = row["item"]
            item_name = self._item(item_cell, item_names, valid)
            self_score = self.parse.score(row.get("self"))
            peer_score = self.parse.score(row.get("peer"))
            manager_cell = row["manager"]
            manager_score = self.parse.score(manager_cell)
            if manager_score is None and not self.parse.did_fail(manager_cell):
                self.problems.error(MANAGER_BLANK.msg(), manager_cell.sheet, manager_cell.ref)
            if person_id is None or item_name is None:
                continue
            key = (person_id, item_name)
            shown = f"{person_id} / {item_name}"
            if not self._first_time(seen, key, shown, item_cell, item_cell.raw):
                continue
            if manager_score is None:
                continue
            peer_cell = row.get("peer")
            from_detail = False
            if (
                peer_score is None
                and key in detail
                and not (peer_cell and self.parse.did_fail(peer_cell))
            ):
                scores = detail[key]
                peer_score = round2(sum(scores, ZERO) / len(scores))
                from_detail = True
            rows.append(
                ReviewRow(
                    person_id=person_id,
                    item=item_name,
                    self_score=self_score,
                    peer_score=peer_score,
                    manager_score=manager_score,
                    peer_from_detail=from_detail,
                    row=row.number,
                    self_source=_source(row.get("self")),
                    peer_source=_source(peer_cell),
                    manager_source=_source(manager_cell),
                )
            )
        for person_id, item_name in detail:
            if (person_id, item_name) not in seen:
                self.problems.warn(
                    PEER_DETAIL_UNUSED.msg(id=person_id, item=item_name, sheet=table.sheet),
                    PEER_DETAIL.name(self.book.lang),
                )
        return rows

    def _item(self, cell: Cell, item_names: dict[str, str], valid: str) -> str | None:
        text = self.parse.text(cell)
        if not text:
            self._required(cell, REVIEWS.column("item"))
            return None
        name = item_names.get(normalize_label(text))
        if name is None and item_names:
            self.problems.error(
                UNKNOWN_ITEM.msg(value=text, sheet=self.items_sheet, valid=valid),
                cell.sheet,
                cell.ref,
                cell.raw,
            )
        return name

    def _peer_detail(
        self, item_names: dict[str, str], ids: set[str], roster_read: bool
    ) -> dict[tuple[str, str], list[Decimal]]:
        if self.book.find_sheet(PEER_DETAIL) is None:
            return {}
        table = read_table(self.book, PEER_DETAIL, self.problems)
        if table is None:
            return {}
        valid = ", ".join(item_names.values())
        scores: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
        for row in table.rows:
            person_id = self._person_id(row["reviewee"], ids, roster_read)
            item_name = self._item(row["item"], item_names, valid)
            score = self.parse.score(row["score"])
            if score is None and not self.parse.did_fail(row["score"]):
                self._required(row["score"], PEER_DETAIL.column("score"))
            if person_id and item_name and score is not None:
                scores[(person_id, item_name)].append(score)
        return dict(scores)

    def _first_time(
        self, seen: dict[Any, str], key: Any, shown: str, cell: Cell, value: object
    ) -> bool:
        """True the first time `key` comes; a repeat is an error naming the first cell."""
        if key in seen:
            self.problems.error(
                DUPLICATE.msg(value=shown, first=seen[key]), cell.sheet, cell.ref, value
            )
            return False
        seen[key] = f"{cell.sheet}!{cell.ref}"
        return True

    def _required(self, cell: Cell, label: Any) -> None:
        self.problems.error(REQUIRED.msg(label=label), cell.sheet, cell.ref)


def _source(cell: Cell | None) -> Source | None:
    return Source(cell.sheet, cell.ref) if cell is not None else None


register_codes(globals())
