"""The history side of `score` and `sla-report` (SPEC §11): open the store, look up, record.

The order keeps a run all or nothing (issue 11, point 6): the store is opened only
after the input was read without errors (a bad input never creates or touches it),
and before any output is written (a store that cannot be opened stops the run with
nothing written); the run is recorded in one transaction once every output is
built and before any is renamed into place (`pipeline.Run.write(before_rename=…)`),
so a store that cannot be written leaves no output behind; that transaction is
committed only after the renames (`held`), so outputs that cannot be renamed
leave no run recorded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cs_kpi.i18n import Text, register_codes, tr
from cs_kpi.problems import InputError

if TYPE_CHECKING:
    from cs_kpi.history import HistoryStore, PersonStanding, StoredRun
    from cs_kpi.review.model import EarlierResult, ReviewInput, ScoreResult
    from cs_kpi.review.trend import Trend
    from cs_kpi.sla.model import SlaInput, SlaResult, StoredMonth

REASSESSMENT_WITHOUT_PERIOD = Text(
    "--reassessment：历史记录库 {store} 中没有考核周期 {period} 的考核，无法作为它的复评记录："
    "请先不加 --reassessment 为该周期评分，或用 --history 指定记录该周期的历史记录库",
    "--reassessment: the history store {store} holds no assessment of the period {period} to "
    "re-assess: score the period first without --reassessment, or name the store that holds it "
    "with --history",
)


@contextlib.contextmanager
def opened(location: str | Path | None) -> Iterator[HistoryStore | None]:
    """The store at `location`, open for writing (created and migrated as needed); None
    for a run without a history (`--no-history`)."""
    if location is None:
        yield None
        return
    from cs_kpi.history import open_store

    new_file = "://" not in str(location) and not Path(location).exists()
    store = open_store(location)
    try:
        yield store
    except BaseException:
        # A failed run leaves the folder as it was: not even an empty new store behind.
        left_empty = new_file and _holds_no_runs(store)
        store.close()
        if left_empty:
            _remove_sqlite_file(Path(location))
        raise
    store.close()


def held(store: HistoryStore | None) -> contextlib.AbstractContextManager[Any]:
    """The run's records held in one transaction until its outputs are renamed into place."""
    return store.held_until_done() if store is not None else contextlib.nullcontext()


def _holds_no_runs(store: HistoryStore) -> bool:
    with contextlib.suppress(InputError):
        return not store.runs()
    return False


def _remove_sqlite_file(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)


def earlier_results(
    store: HistoryStore, data: ReviewInput, reassessment: bool
) -> tuple[str | None, dict[str, EarlierResult]]:
    """The period compared with and each person's result there, by their ID in `data`.

    A normal run compares with the stored period before this one (SPEC §11); a
    re-assessment with the latest assessment of its own period, which must be stored.
    """
    from cs_kpi.history import ScorePeriod

    scheme = data.scheme
    if reassessment:
        by_key = store.period_standings(scheme.period)
        if by_key is None:
            raise InputError.single(
                REASSESSMENT_WITHOUT_PERIOD.msg(store=store.shown, period=scheme.period)
            )
        compared = scheme.period
    else:
        found = store.previous_standings(
            ScorePeriod(scheme.period, scheme.period_start, scheme.period_end)
        )
        if found is None:
            return None, {}
        compared = found[0].period.period
        by_key = found[1]
    return compared, _by_current_id(data, by_key)


def trend(
    store: HistoryStore, data: ReviewInput, result: ScoreResult, reassessment: bool
) -> Trend | None:
    """The 历史趋势 sheet's data: the stored periods before this one and this run (SPEC §5);
    None when the store holds no earlier period. Read here, before writing, so that the
    report writer never queries the store."""
    from cs_kpi.history import ScorePeriod
    from cs_kpi.review.trend import build_trend

    scheme = data.scheme
    earlier = store.earlier_results(
        ScorePeriod(scheme.period, scheme.period_start, scheme.period_end)
    )
    stored = [(entry.period.period, people) for entry, people in earlier]
    return build_trend(stored, result, reassessment)


def _by_current_id(
    data: ReviewInput, by_key: dict[str, PersonStanding]
) -> dict[str, EarlierResult]:
    """Stored people matched to this workbook's IDs (width, case and spaces ignored)."""
    from cs_kpi.history import record_key
    from cs_kpi.review.model import EarlierResult

    earlier = {}
    for person in data.people:
        stored = by_key.get(record_key(person.id))
        if stored is not None:
            earlier[person.id] = EarlierResult(stored.total, stored.grade_code, stored.flags)
    return earlier


@dataclass(frozen=True)
class Recorded:
    """A run as the store recorded it, and where."""

    store: str
    run: StoredRun

    def to_json(self, compared: str | None = None) -> dict[str, Any]:
        """The additive `history` key of the JSON (SPEC §9): where, as what, compared with."""
        found: dict[str, Any] = {
            "store": self.store,
            "run": self.run.id,
            "revision": self.run.revision,
            "reassessment": self.run.is_reassessment,
        }
        if self.run.kind == "score":
            found["compared_with"] = compared
        return found

    def line(self, lang: str) -> str:
        """'已记入历史记录库 …（2024-Q3，第 2 次记录）' for the console."""
        what = self.run.period or self.run.agreement
        if self.run.is_reassessment:
            what += tr(lang, " 复评", " re-assessment")
        return tr(
            lang,
            "已记入历史记录库 {store}（{what}，第 {revision} 次记录）",
            "Recorded in the history store {store} ({what}, revision {revision})",
            store=self.store,
            what=what,
            revision=self.run.revision,
        )


def record_score(
    store: HistoryStore, data: ReviewInput, result: ScoreResult, reassessment: bool
) -> Recorded:
    """One transaction: the period (or its re-assessment) and every person's result."""
    from cs_kpi.history.convert import score_run

    run = store.record_score(*score_run(data, result), reassessment=reassessment)
    return Recorded(store.shown, run)


def stored_sla_months(store: HistoryStore | None, agreement: str) -> list[StoredMonth] | None:
    """The agreement's months in the store as plain data for the SLA rules (SPEC §6, §11);
    None without a history (`--no-history`)."""
    if store is None:
        return None
    if not agreement:
        return []
    from cs_kpi.numbers import HUNDRED, ZERO
    from cs_kpi.sla.model import MetricResult, StoredMonth

    def metric(m: Any) -> MetricResult:
        gap = m.actual - m.standard if m.direction == "lower" else m.standard - m.actual
        return MetricResult(
            m.metric, m.weight, m.standard, m.actual, m.direction, max(gap * HUNDRED, ZERO), m.score
        )

    return [
        StoredMonth(
            month=entry.record.month,
            metrics=tuple(metric(m) for m in entry.record.metrics),
            total=entry.record.total,
            grade=entry.record.grade_code,
            fee=entry.record.fee,
            file_name=entry.run.file_name,
        )
        for entry in store.agreement_months(agreement)
    ]


def record_sla(
    store: HistoryStore, data: SlaInput, result: SlaResult, only: set[str] | None = None
) -> Recorded:
    """Every month of the input as computed now (`only` these months, for one of several
    inputs), in the run's one transaction."""
    from cs_kpi.history.convert import sla_run

    return Recorded(store.shown, store.record_sla(*sla_run(data, result, only)))


register_codes(globals())
