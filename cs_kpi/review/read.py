"""Read a filled performance-review workbook (SPEC §3.4) into a ReviewInput.

Each sheet is read and checked by its spec (`cs_kpi.records`: kinds, required
values, duplicates, IDs of 员工, items of 评分项, a 指标数据 column per 指标);
what is left here spans columns or sheets: a target read by its row's unit,
deduction steps, rater weights adding to 100%, 互评明细 means. Every problem
is collected with its sheet and cell; the rules only ever see clean data.
Nothing here trusts a formula result: 加权得分 is never read.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from cs_kpi.holidays import read_sheet_entries
from cs_kpi.i18n import Text, register_codes
from cs_kpi.labels import FirstSpelling, normalize_label
from cs_kpi.numbers import ONE, ZERO, pct_text, round2
from cs_kpi.paths import file_sha256
from cs_kpi.problems import Problems
from cs_kpi.reader import Cell, CellParser, WorkbookFile
from cs_kpi.records import Reading, Records, open_input, read_setting_values
from cs_kpi.review.model import (
    AgreedScore,
    Indicator,
    MetricValue,
    Person,
    ReviewInput,
    ReviewItem,
    ReviewRow,
    Scheme,
)
from cs_kpi.roster import people_of
from cs_kpi.schema import (
    CALIBRATED,
    DUPLICATE,
    INDICATORS,
    KINDS_BY_KEY,
    MANAGER_BLANK,
    METRICS,
    MISSING_INDICATOR_COLUMN,
    PEER_DETAIL,
    POSITIVE,
    REVIEW_ITEMS,
    REVIEWS,
    ROSTER,
    SCHEME,
    UNKNOWN_ID,
    UNKNOWN_INDICATOR_COLUMN,
    UNKNOWN_ITEM,
)
from cs_kpi.values import parse_step_percent

# Declared with the specs they check (schema.py); named here for the readers' callers.
__all__ = [
    "DUPLICATE",
    "MANAGER_BLANK",
    "MISSING_INDICATOR_COLUMN",
    "POSITIVE",
    "UNKNOWN_ID",
    "UNKNOWN_INDICATOR_COLUMN",
    "UNKNOWN_ITEM",
    "load_review",
]

REVIEW_KIND = KINDS_BY_KEY["performance-review"]

RATER_WEIGHTS_NOT_100 = Text(
    "自评、互评、上级评价权重之和为 {total}，应为 100%{cells}",
    "self, peer and manager weights add up to {total}; they must add up to 100%{cells}",
)
SHARE_RANGE = Text(
    "定量指标占比应在 0–100% 之间", "the quantitative share must be between 0 and 100%"
)
STEP_REQUIRED = Text(
    "扣分法需要“扣分步长”和“每步扣分”（大于 0）",
    "the deduction method needs a step and points per step (above 0)",
)
NO_PEOPLE = Text("“{sheet}”表没有人员", "the “{sheet}” sheet lists nobody")
NOTHING_TO_SCORE = Text(
    "没有可计算的数据：“{metrics}”和“{reviews}”表都没有数据行",
    "nothing to score: the “{metrics}” and “{reviews}” sheets have no data rows",
)
NAME_MISMATCH = Text(
    "姓名“{typed}”与工号 {id} 在 {roster_cell} 的姓名“{roster}”不一致（同一行可能粘贴错位）",
    "name “{typed}” is not the name “{roster}” of ID {id} at {roster_cell} (a row pasted out "
    "of place?)",
)
AGREED_BLANK = Text(
    "{id} / {item} 的校准后分数为空，该行未使用，保留计算得分",
    "the agreed score of {id} / {item} is blank; the row was not used and the computed score "
    "stands",
)
AGREED_NO_REVIEW = Text(
    "{id} / {item} 在“{sheet}”表中没有评价行，没有可替换的项目得分",
    "{id} / {item} has no row in the “{sheet}” sheet, so there is no item score to replace",
)
PEER_DETAIL_UNUSED = Text(
    "互评明细中 {id} / {item} 在“{sheet}”表中没有对应行，未使用",
    "peer detail for {id} / {item} has no row in the “{sheet}” sheet; it was not used",
)


def load_review(source: Path | WorkbookFile) -> tuple[ReviewInput | None, Problems]:
    """Read and check the workbook. Raises InputError only for a file that is not a readable xlsx
    or is another kind of cs-kpi workbook; all cell problems are returned in Problems."""
    book = open_input(source, REVIEW_KIND)
    path = book.path
    problems = Problems()
    reading = _Reading(book, problems)
    scheme = reading.scheme()
    indicators = reading.indicators()
    items = reading.items()
    people = reading.people()
    metrics = reading.metrics(indicators, people)
    reviews = reading.reviews(items, people)
    agreed = reading.agreed_scores(reviews)
    holidays = read_sheet_entries(reading)
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
        holidays=holidays,
        agreed=agreed,
    )
    return data, problems


class _Reading(Reading):
    """One pass over the sheets of a performance-review workbook."""

    def __init__(self, book: WorkbookFile, problems: Problems):
        super().__init__(book, problems)
        self.parse = CellParser(problems)  # for what a spec cannot say (a target by its unit)
        # Sheets as the file names them, for messages (the book's own language when absent).
        self.roster_sheet = book.find_sheet(ROSTER) or ROSTER.name(book.lang)
        # Teams and dimensions group by their key and show as first typed (SPEC §2); one
        # dimension spelling for 指标 and 评分项, so a clash of the two is still seen.
        self.team = FirstSpelling()
        self.dimension = FirstSpelling()

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
        settings = read_setting_values(self.book, SCHEME, self.problems)
        scheme = Scheme()
        for key, value in settings.values.items():
            if value not in (None, ""):
                setattr(scheme, key, value)
        total = scheme.self_weight + scheme.peer_weight + scheme.manager_weight
        if total != ONE:
            keys = ("self_weight", "peer_weight", "manager_weight")
            weight_cells = [c for c in map(settings.cell, keys) if c is not None]
            first = weight_cells[0] if weight_cells else None
            refs = ", ".join(c.ref for c in weight_cells)
            self.problems.error(
                RATER_WEIGHTS_NOT_100.msg(
                    total=pct_text(total), cells=f" ({refs})" if refs else ""
                ),
                first.sheet if first else settings.sheet,
                first.ref if first else None,
            )
        if not (ZERO <= scheme.quantitative_share <= ONE):
            cell = settings.cell("quantitative_share")
            self.problems.error(
                SHARE_RANGE.msg(), cell.sheet if cell else None, cell.ref if cell else None
            )
        return scheme

    # ------------------------------------------------------------ 指标
    def indicators(self) -> list[Indicator]:
        records = self.read(INDICATORS)
        if records is None:
            return []
        indicators: list[Indicator] = []
        for i in range(len(records)):
            if not records.values["name"][i] or records.did_fail(i, "name"):
                continue  # blank or a repeat: reported
            indicator = self._indicator(records, i)
            if indicator is not None:
                indicators.append(indicator)
        return indicators

    def _indicator(self, records: Records, i: int) -> Indicator | None:
        """One 指标 row: the target and step read by its unit, the deduction rule checked."""
        value = records.record(i)
        is_percent = value["unit"] in {"%", "％"}
        target_cell = records.cell(i, "target")
        target = None
        if target_cell is not None and not records.did_fail(i, "target"):
            parse = self.parse.percent if is_percent else self.parse.number
            target = parse(target_cell)
        method = value["method"] or "deduction"
        step = self._step(records.cell(i, "step"), is_percent)
        points_per_step = value["points_per_step"]
        if method == "deduction" and not (step and points_per_step):
            key = "step" if not step else "points_per_step"
            bad = records.cell(i, key)
            failed = records.did_fail(i, key) or (bad is not None and self.parse.did_fail(bad))
            if not failed:
                cell = bad or records.cell(i, "name")
                self.problems.error(STEP_REQUIRED.msg(), cell.sheet, cell.ref, cell.raw)  # type: ignore[union-attr]
        # SPEC §4.2: a 越高越好 比率法 target must be above 0; a 越低越好 target of 0 is scored
        # (actual 0 → full weight, anything above → 0 points).
        if method == "ratio" and target == 0 and value["direction"] != "lower":
            self.parse.fail(target_cell, POSITIVE.msg(label=INDICATORS.column("target")))  # type: ignore[arg-type]
        if None in (value["direction"], target, value["weight"]):
            return None
        return Indicator(
            dimension=self.dimension(value["dimension"]),
            name=value["name"],
            direction=value["direction"],
            target=target,  # type: ignore[arg-type]
            weight=value["weight"],
            method=method,
            step=step,
            points_per_step=points_per_step,
            unit=value["unit"],
            excess_bonus=value["excess_bonus"] == "yes",
            definition=value["definition"],
            suggestion=value["suggestion"],
            source=records.source(i, "name"),
        )

    def _step(self, cell: Cell | None, is_percent: bool) -> Decimal | None:
        if cell is None or cell.blank or cell.formula_problem:  # a formula problem: reported
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
        records = self.read(REVIEW_ITEMS)
        if records is None:
            return []
        values = records.values
        return [
            ReviewItem(
                dimension=self.dimension(values["dimension"][i]),
                name=values["item"][i],
                standard=values["standard"][i],
                weight=values["weight"][i] if values["weight"][i] is not None else Decimal(1),
            )
            for i in range(len(records))
            if values["item"][i] and not records.did_fail(i, "item")
        ]

    # ------------------------------------------------------------ 员工
    def people(self) -> list[Person]:
        records = self.read(ROSTER)
        if records is None:
            return []
        people = people_of(records)
        for person in people:
            person.team = self.team(person.team)
        return people

    # ------------------------------------------------------------ 指标数据
    def metrics(
        self, indicators: list[Indicator], people: list[Person]
    ) -> dict[str, list[MetricValue]]:
        kinds = {ind.name: "percent" if ind.is_percent else "number" for ind in indicators}
        records = self.read(METRICS, dynamic_kinds=_by_label(kinds))
        if records is None:
            return {}
        by_name = {ind.name: ind for ind in indicators}
        # In 指标 order whatever the column order; a rejected 指标 row has no column here.
        columns = [(name, by_name[name]) for name in records.dynamic if name in by_name]
        ids = records.values["id"]
        self._names_agree(records, people)
        cells = [(ind.name, records.values[name], records.sources(name)) for name, ind in columns]
        found: dict[str, list[MetricValue]] = {}
        for i, person_id in enumerate(ids):
            if person_id and not records.did_fail(i, "id"):
                found[person_id] = [
                    MetricValue(name, actuals[i], sources[i]) for name, actuals, sources in cells
                ]
        return found

    # ------------------------------------------------------------ 360评价 and 互评明细
    def reviews(self, items: list[ReviewItem], people: list[Person]) -> list[ReviewRow]:
        records = self.read(REVIEWS)
        if records is None:
            return []
        item_names = {item.name for item in items}
        self._names_agree(records, people)
        detail = self._peer_detail(item_names)
        rows: list[ReviewRow] = []
        seen: set[tuple[str, str]] = set()  # the (ID, item) keys of 360评价, for 互评明细
        values = records.values
        repeats = {i for i, key in records.failed if key == "item"}
        failed_peers = {i for i, key in records.failed if key == "peer"}
        columns = zip(
            values["id"],
            values["item"],
            values["self"],
            values["peer"],
            values["manager"],
            records.numbers(),
            records.sources("self"),
            records.sources("peer"),
            records.sources("manager"),
            strict=True,
        )
        if not detail and not repeats:  # the common case: one comprehension, same rows
            rows = [
                ReviewRow(person_id, item, self_, peer, manager, False, number, *sources)
                for person_id, item, self_, peer, manager, number, *sources in columns
                if person_id and manager is not None and item in item_names
            ]
            return rows
        for i, (person_id, item, self_, peer, manager, number, *sources) in enumerate(columns):
            if not person_id or item not in item_names or i in repeats:
                continue  # blank, unknown or a repeat: reported
            from_detail = False
            if detail:
                key = (person_id, item)
                seen.add(key)
                if peer is None and key in detail and i not in failed_peers:
                    scores = detail[key]
                    peer, from_detail = round2(sum(scores, ZERO) / len(scores)), True
            if manager is not None:
                rows.append(
                    ReviewRow(person_id, item, self_, peer, manager, from_detail, number, *sources)
                )
        for person_id, item in detail:
            if (person_id, item) not in seen:
                self.problems.warn(
                    PEER_DETAIL_UNUSED.msg(id=person_id, item=item, sheet=records.sheet),
                    PEER_DETAIL.name(self.book.lang),
                )
        return rows

    # ------------------------------------------------------------ 校准结果 (optional)
    def agreed_scores(self, reviews: list[ReviewRow]) -> list[AgreedScore]:
        """SPEC §4.4: the calibration meeting's agreed scores. The spec checks 工号 (员工),
        评分项 (评分项), 0–10 and one row per person and item; here, what spans sheets: each
        must replace an item score of 360评价. A blank agreed score is a warning (the meeting
        kept the computed score), not an error."""
        if self.book.find_sheet(CALIBRATED) is None:
            return []
        records = self.read(CALIBRATED)
        if records is None:
            return []
        reviewed = {(row.person_id, row.item) for row in reviews}
        reviews_sheet = self.book.find_sheet(REVIEWS) or REVIEWS.name(self.book.lang)
        values = records.values
        agreed: list[AgreedScore] = []
        for i, (person_id, item, score, note) in enumerate(
            zip(values["id"], values["item"], values["agreed"], values["note"], strict=True)
        ):
            if not person_id or not item or not records.ok(i):
                continue  # blank, unknown, a repeat or not a score: reported
            where = records.source(i, "agreed") or records.source(i, "item")
            if (person_id, item) not in reviewed:
                self.problems.error(
                    AGREED_NO_REVIEW.msg(id=person_id, item=item, sheet=reviews_sheet),
                    records.sheet,
                    records.ref(i, "item"),
                    item,
                )
            elif score is None:
                self.problems.warn(
                    AGREED_BLANK.msg(id=person_id, item=item),
                    records.sheet,
                    where.cell if where else None,
                )
            else:
                agreed.append(AgreedScore(person_id, item, round2(score), note or "", where))
        return agreed

    def _names_agree(self, records: Records, people: list[Person]) -> None:
        """SPEC §3.4: a 姓名 typed beside a 工号 must be that person's 员工 name (spaces and
        width ignored); a blank 姓名 is fine. A row slipped in copy-paste scores the wrong
        person, so a mismatch is an error naming both cells."""
        names = records.values.get("name")  # parsed here, when first asked for
        if names is None:
            return
        roster = {person.id: person for person in people}
        ids = records.values["id"]
        wrong: set[tuple[str, str]] = set()  # each distinct (ID, 姓名) pair checked once
        for pair in dict.fromkeys(zip(ids, names, strict=True)):
            person_id, typed = pair
            person = roster.get(person_id) if typed else None
            if person is None or not person.name or typed == person.name:
                continue  # unknown (reported), or typed exactly as in 员工: the usual case
            if _name_key(typed) != _name_key(person.name):
                wrong.add(pair)
        if not wrong:
            return
        for i, pair in enumerate(zip(ids, names, strict=True)):
            if pair in wrong:
                person_id, typed = pair
                person = roster[person_id]
                where = records.source(i, "name")
                self.problems.error(
                    NAME_MISMATCH.msg(
                        typed=typed,
                        id=person_id,
                        roster=person.name,
                        roster_cell=str(person.source),
                    ),
                    where.sheet if where else records.sheet,
                    where.cell if where else None,
                    typed,
                )

    def _peer_detail(self, item_names: set[str]) -> dict[tuple[str, str], list[Decimal]]:
        """互评明细 scores by (reviewee, item): their mean stands in for a blank 互评."""
        if self.book.find_sheet(PEER_DETAIL) is None:
            return {}
        records = self.read(PEER_DETAIL)
        if records is None:
            return {}
        scores: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
        values = records.values
        for person_id, item, score in zip(
            values["reviewee"], values["item"], values["score"], strict=True
        ):
            if person_id and item in item_names and score is not None:
                scores[(person_id, item)].append(score)
        return dict(scores)


def _name_key(name: str) -> str:
    """A name for comparing: width folded (NFKC) and every space removed."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def _by_label(kinds: dict[str, str]) -> dict[str, str]:
    """Kinds keyed as read_records matches dynamic columns (normalised labels)."""
    return {normalize_label(name): kind for name, kind in kinds.items()}


register_codes(globals())
