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
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from cs_kpi.holidays import read_sheet_entries
from cs_kpi.i18n import Text, register_codes
from cs_kpi.labels import FirstSpelling, normalize_label
from cs_kpi.numbers import ONE, ZERO, pct_text, round2
from cs_kpi.paths import file_sha256
from cs_kpi.problems import FileSource, InputError, Problem, Problems, Source
from cs_kpi.reader import (
    EMPTY_WORKBOOK,
    Cell,
    CellParser,
    WorkbookFile,
    report_origin_message,
)
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
    INDICATOR_VALUES,
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


METRIC_GIVEN_TWICE = Text(
    "工号 {id} 的“{indicator}”有两个值：{first} 和 {second}；只能在一处填写",
    "“{indicator}” of ID {id} is given twice: at {first} and at {second}; give it in one place",
)
NOT_METRICS_FILE = Text(
    "{name} 是“{title}”工作簿，不能作为 --metrics 文件；请给出“指标数据”文件"
    "（cs-kpi track / metrics 生成）或含“指标数据”表的绩效考核表",
    "{name} is a {title} workbook, not a --metrics file; give an indicator-values file "
    "(written by cs-kpi track / metrics) or a performance review with a Metrics sheet",
)


def load_review(
    source: Path | WorkbookFile, metric_files: Sequence[Path] = ()
) -> tuple[ReviewInput | None, Problems]:
    """Read and check the workbook, with the 指标数据 of each `metric_files` merged into its
    own (`score --metrics`). Raises InputError only for a workbook that is not a readable
    xlsx or is another kind of cs-kpi workbook; all cell problems (those of a metrics file
    named by that file) are returned in Problems."""
    book = open_input(source, REVIEW_KIND)
    book.prefetch([REVIEWS])  # the biggest sheet, decoded while the others are read
    path = book.path
    problems = Problems()
    reading = _Reading(book, problems)
    scheme = reading.scheme()
    indicators = reading.indicators()
    items = reading.items()
    people = reading.people()
    supplied = [reading.metrics_file(Path(file), indicators, people) for file in metric_files]
    metrics = reading.metrics(indicators, people, [found for found in supplied if found])
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
        self,
        indicators: list[Indicator],
        people: list[Person],
        files: Sequence[_MetricsFile] = (),
    ) -> dict[str, list[MetricValue]]:
        """指标数据 by 工号: one value per indicator with a column, in 指标 order. With
        `files` (`score --metrics`), their values are merged in: a column a file supplies
        may be absent here, and a value given twice is an error naming both cells."""
        supplied = {name for file in files for name in file.records.dynamic}
        records = self.read(
            METRICS, dynamic_kinds=_metric_kinds(indicators), optional_dynamic=supplied
        )
        if records is None:
            return {}
        self._names_agree(records, people)
        if not files:
            return _metric_values(records, indicators)
        given = _values_of(records)
        for file in files:
            self._merge(given, file)
        return _merged_values(records, indicators, given, supplied)

    def metrics_file(
        self, path: Path, indicators: list[Indicator], people: list[Person]
    ) -> _MetricsFile | None:
        """A `--metrics` file's 指标数据, read by the same spec against this workbook's 员工
        and 指标 (any subset of indicators and people); its problems name the file."""
        problems = Problems()
        try:
            book = WorkbookFile(path)
            wrong = _not_a_metrics_file(book)
            if wrong is not None:
                raise wrong
        except InputError as error:
            self.problems.extend(error.problems.in_file(str(path)))
            return None
        reading = _Reading(book, problems)
        reading.known = {key: self.known.get(key) for key in ("roster", "indicators")}
        names = self.known.get("indicators")
        every = frozenset(names.keys("name").values()) if names is not None else frozenset()
        records = reading.read(
            METRICS, dynamic_kinds=_metric_kinds(indicators), optional_dynamic=every
        )
        if records is not None:
            reading._names_agree(records, people)
        self.problems.extend(problems.in_file(str(path)))
        if records is None or problems.errors:
            return None
        return _MetricsFile(path, records)

    def _merge(
        self, given: dict[tuple[str, str], tuple[Decimal, Source]], file: _MetricsFile
    ) -> None:
        """A file's values into `given`; a value already there (from the workbook or an earlier
        file) is an error at the file's cell, naming both cells. A blank is no value."""
        records = file.records
        ids = records.values["id"]
        for name in records.dynamic:
            sources = records.sources(name)
            for i, actual in enumerate(records.values[name]):
                cell = sources[i]
                if actual is None or not ids[i] or cell is None:
                    continue
                here = FileSource(cell.sheet, cell.cell, file.path.name)
                first = given.get((ids[i], name))
                if first is None:
                    given[(ids[i], name)] = (actual, here)
                    continue
                message = METRIC_GIVEN_TWICE.msg(
                    id=ids[i],
                    indicator=name,
                    first=self._cell_text(first[1]),
                    second=self._cell_text(here),
                )
                where = (here.sheet, here.cell, records.raw(i, name))
                self.problems.errors.append(Problem(message, *where, file=str(file.path)))

    def _cell_text(self, source: Source) -> str:
        """A cell with its file, as Excel writes an external reference: [04.xlsx]指标数据!C3."""
        if isinstance(source, FileSource):
            return str(source)
        return str(FileSource(source.sheet, source.cell, self.book.path.name))

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


@dataclass
class _MetricsFile:
    """A `--metrics` file read without errors: its path and its 指标数据 records."""

    path: Path
    records: Records


def _not_a_metrics_file(book: WorkbookFile) -> InputError | None:
    """A --metrics file is an indicator-values file, a performance review or an unmarked
    workbook with a 指标数据 sheet; a report, another kind or an empty file is refused."""
    origin = report_origin_message(book)
    if origin is not None:
        return InputError.single(origin)
    kind = book.detect_kind()
    if kind is not None and kind not in (INDICATOR_VALUES, REVIEW_KIND):
        return InputError.single(NOT_METRICS_FILE.msg(name=book.path.name, title=kind))
    if book.is_empty():
        return InputError.single(EMPTY_WORKBOOK.msg(name=book.path.name))
    return None


def _metric_values(records: Records, indicators: list[Indicator]) -> dict[str, list[MetricValue]]:
    """The workbook's own 指标数据 by 工号 (no --metrics file): a value per column."""
    known = {ind.name for ind in indicators}
    # In 指标 order whatever the column order; a rejected 指标 row has no column here.
    names = [name for name in records.dynamic if name in known]
    cells = [(name, records.values[name], records.sources(name)) for name in names]
    found: dict[str, list[MetricValue]] = {}
    for i, person_id in enumerate(records.values["id"]):
        if person_id and not records.did_fail(i, "id"):
            found[person_id] = [
                MetricValue(name, actuals[i], sources[i]) for name, actuals, sources in cells
            ]
    return found


def _merged_values(
    records: Records,
    indicators: list[Indicator],
    given: dict[tuple[str, str], tuple[Decimal, Source]],
    supplied: set[str],
) -> dict[str, list[MetricValue]]:
    """Every person with a 指标数据 row here or in a file, a value per indicator that has a
    column in either; a blank keeps the workbook's cell (for its warning) where there is one."""
    names = [ind.name for ind in indicators if ind.name in records.dynamic or ind.name in supplied]
    here = {name: records.sources(name) for name in names if name in records.dynamic}
    ids = records.values["id"]
    rows = {pid: i for i, pid in enumerate(ids) if pid and not records.did_fail(i, "id")}
    found: dict[str, list[MetricValue]] = {}
    for person_id in dict.fromkeys([*rows, *(pid for pid, _ in given)]):
        row = rows.get(person_id)
        values: list[MetricValue] = []
        for name in names:
            value = given.get((person_id, name))
            if value is not None:
                values.append(MetricValue(name, value[0], value[1]))
            else:
                cell = here[name][row] if row is not None and name in here else None
                values.append(MetricValue(name, None, cell))
        found[person_id] = values
    return found


def _values_of(records: Records) -> dict[tuple[str, str], tuple[Decimal, Source]]:
    """(工号, indicator) → (value, cell) of every filled 指标数据 cell of a readable row."""
    given: dict[tuple[str, str], tuple[Decimal, Source]] = {}
    ids = records.values["id"]
    for name in records.dynamic:
        sources = records.sources(name)
        for i, actual in enumerate(records.values[name]):
            if actual is not None and ids[i] and not records.did_fail(i, "id"):
                given[(ids[i], name)] = (actual, sources[i])  # type: ignore[assignment]
    return given


def _metric_kinds(indicators: list[Indicator]) -> dict[str, str]:
    """Each indicator column parsed by its unit (SPEC §4.2), keyed as read_records wants."""
    return _by_label({ind.name: "percent" if ind.is_percent else "number" for ind in indicators})


def _by_label(kinds: dict[str, str]) -> dict[str, str]:
    """Kinds keyed as read_records matches dynamic columns (normalised labels)."""
    return {normalize_label(name): kind for name, kind in kinds.items()}


register_codes(globals())
