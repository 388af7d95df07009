"""The metrics engine and its indicators, each worked by hand on a few tickets (SPEC §8)."""

from __future__ import annotations

import datetime as dt

import pytest
from ticket_builders import ticket, ticket_file

from cs_kpi.tickets import rules
from cs_kpi.tickets.engine import BusinessHours, EngineOptions, local_seconds, scan
from cs_kpi.tickets.summary import Period, summarise
from cs_kpi.workdays import DEFAULT_CALENDAR, Calendar

NINE_TO_SIX = BusinessHours(9 * 3600, 18 * 3600)
Q3 = Period("2024-Q3", dt.date(2024, 7, 1), dt.date(2024, 9, 30))


def summary_of(
    sources, period=None, calendar=DEFAULT_CALENDAR, fcr="default", streaming=None, **options
):
    options = EngineOptions(calendar=calendar, fcr=fcr, **options)
    found = scan(list(sources), options, streaming=streaming)
    return summarise(found, period, calendar, fcr)


def agent(result, name):
    return next(row for row in result.agents if row.keys == (name,))


def test_every_indicator_of_two_agents_worked_by_hand(tmp_path):
    rows = [
        # 张三: responses 60 s and 180 s; T1 solved in 1 h, T2 in 48 h; T3 unsolved.
        ticket(
            "T1",
            "张三",
            "2024-07-01 09:00:00",
            "2024-07-01 09:01:00",
            "2024-07-01 10:00:00",
            replies="1",
            csat="5",
            customer="C1",
        ),
        ticket(
            "T2",
            "张三",
            "2024-07-01 10:00:00",
            "2024-07-01 10:03:00",
            "2024-07-03 10:00:00",
            replies="3",
            csat="4",
            complaint="是",
            customer="C1",
            channel="电话",
        ),
        ticket(
            "T3",
            "张三",
            "2024-07-02 10:00:00",
            "2024-07-02 10:10:00",
            "",
            replies="0",
            complaint="是",
            customer="C2",
        ),
        # 李四: one ticket solved in 2 h with one reply but reopened; its customer C1
        # complained 3 days after T2: a repeat complaint.
        ticket(
            "T4",
            "李四",
            "2024-07-04 10:00:00",
            "2024-07-04 10:00:30",
            "2024-07-04 12:00:00",
            replies="1",
            csat="2",
            complaint="是",
            reopened="是",
            customer="C1",
        ),
    ]
    result = summary_of([ticket_file(tmp_path, rows)], period=Q3)
    zhang = agent(result, "张三").values
    assert zhang[rules.AVERAGE_RESPONSE] == (60 + 180 + 600) / 3  # 280.0 s
    assert zhang[rules.ON_TIME_RATE] == pytest.approx(1 / 3)  # only T1 within 24 h
    assert zhang[rules.CSAT] == 4.5  # (5 + 4) / 2
    assert zhang[rules.FCR] == pytest.approx(1 / 2)  # T1 yes, T2 (3 replies) no; T3 unsolved
    assert zhang[rules.COMPLAINT_RATE] == pytest.approx(2 / 3)
    assert zhang[rules.REPEAT_COMPLAINT_RATE] == 0  # C1's and C2's first complaints
    working = rules.working_days(DEFAULT_CALENDAR, Q3.first, Q3.last)[0]
    assert result.working_days == working
    assert zhang[rules.DAILY_VOLUME] == round(3 / working, 1)
    li = agent(result, "李四")
    assert li.values[rules.FCR] == 0  # one reply, but reopened
    assert li.values[rules.REPEAT_COMPLAINT_RATE] == 1  # C1 again within 30 days
    assert li.values[rules.AVERAGE_RESPONSE] == 30
    assert agent(result, "张三").counts["unsolved"] == 1


def test_wall_clock_and_offsets_in_the_zone(tmp_path):
    rows = [
        # +0800 is Shanghai's own time; 02:03Z is 10:03 in Shanghai: 180 s.
        ticket("T1", "A", "2024-07-01 10:00:00+0800", "2024-07-01 02:03:00Z"),
        # naive times are Shanghai times: 60 s
        ticket("T2", "A", "2024-07-01 11:00:00", "2024-07-01 11:01:00"),
    ]
    result = summary_of([ticket_file(tmp_path, rows)])
    assert agent(result, "A").values[rules.AVERAGE_RESPONSE] == 120  # (180 + 60) / 2
    # In New York (daylight saving) the naive times are New York's and the +0800 one moves.
    import polars as pl

    frame = pl.DataFrame({"t": ["2024-07-01 10:00:00+0800", "2024-07-01 10:00:00"]})
    formats = [("%Y-%m-%d %H:%M:%S%.f%#z", "aware"), ("%Y-%m-%d %H:%M:%S", "wall")]
    local = frame.select(local_seconds(pl.col("t"), "America/New_York", formats))["t"]
    wall = int(dt.datetime(2024, 7, 1, 10, 0).replace(tzinfo=dt.UTC).timestamp())
    assert local.to_list() == [wall - 12 * 3600, wall]  # 22:00 the evening before (EDT)


def test_business_hours_across_a_weekend_a_holiday_and_a_tiao_xiu_saturday(tmp_path):
    calendar = DEFAULT_CALENDAR
    # The calendar, not the test, says what these days are.
    assert calendar.is_working_day(dt.date(2024, 9, 14)) == (True, True)  # 调休 Saturday
    assert calendar.is_working_day(dt.date(2024, 9, 16)) == (False, True)  # 中秋 Monday
    assert calendar.is_working_day(dt.date(2024, 9, 17)) == (False, True)  # 中秋 Tuesday
    assert calendar.is_working_day(dt.date(2024, 7, 6)) == (False, True)  # a Saturday
    assert calendar.is_working_day(dt.date(2024, 9, 18)) == (True, True)
    rows = [
        # Fri 17:00 → Mon 09:30 over a weekend: 1 h Friday + 30 min Monday = 5400 s.
        ticket("W", "周末", "2024-07-05 17:00:00", "2024-07-08 09:30:00"),
        # Fri 17:00 → the 调休 Saturday 10:00: 1 h + 1 h = 7200 s.
        ticket("S", "调休", "2024-09-13 17:00:00", "2024-09-14 10:00:00"),
        # The 调休 Saturday 17:30 → Wed 09:30 over Sunday and the 中秋 holiday: 30 + 30 min.
        ticket("H", "假日", "2024-09-14 17:30:00", "2024-09-18 09:30:00"),
        # Sunday evening to Sunday evening: no working time at all.
        ticket("Z", "零", "2024-07-07 20:00:00", "2024-07-07 21:00:00"),
        # Before the window to inside it on a working day: 09:00 → 09:20 = 1200 s.
        ticket("E", "早", "2024-07-08 07:00:00", "2024-07-08 09:20:00"),
    ]
    result = summary_of([ticket_file(tmp_path, rows)], business_hours=NINE_TO_SIX)
    seconds = {row.keys[0]: row.values[rules.AVERAGE_RESPONSE] for row in result.agents}
    assert seconds == {"周末": 5400, "调休": 7200, "假日": 3600, "零": 0, "早": 1200}
    wall = summary_of([ticket_file(tmp_path, rows)])
    assert agent(wall, "周末").values[rules.AVERAGE_RESPONSE] == (64 * 60 + 30) * 60


def test_a_holidays_file_entry_moves_the_business_clock(tmp_path):
    # The supervisor declares Monday 2024-07-08 a day off: Fri 17:00 → Tue 09:30 = 1 h 30 min.
    calendar = Calendar({dt.date(2024, 7, 8): False})
    rows = [ticket("W", "A", "2024-07-05 17:00:00", "2024-07-09 09:30:00")]
    result = summary_of(
        [ticket_file(tmp_path, rows)], calendar=calendar, business_hours=NINE_TO_SIX
    )
    assert agent(result, "A").values[rules.AVERAGE_RESPONSE] == 5400


UNIT_COLUMNS = (
    ("agent", "Assignee", "text"),
    ("created", "Created at", "datetime"),
    ("first_response", "First reply", "minutes"),
    ("resolution", "Resolution", "hms"),
    ("csat", "Satisfaction Score", "csat"),
)


def test_durations_in_minutes_hms_and_words(tmp_path):
    rows = [
        ["A", "2024-07-01 09:00", "1.5", "23:00:00", "Good"],  # 90 s; 23 h: on time
        ["A", "2024-07-01 09:00", "2.5", "25:00", "Bad"],  # 150 s; 25 h: late
        ["A", "2024-07-01 09:00", "", "", "Not Offered"],  # no response, unsolved, unrated
    ]
    result = summary_of([ticket_file(tmp_path, rows, columns=UNIT_COLUMNS)])
    values = agent(result, "A").values
    assert values[rules.AVERAGE_RESPONSE] == 120  # (90 + 150) / 2
    assert values[rules.ON_TIME_RATE] == pytest.approx(1 / 3)
    assert values[rules.CSAT] == 3  # Good = 5, Bad = 1
    assert result.csat_words
    words = (
        ("agent", "客服", "text"),
        ("created", "创建时间", "datetime"),
        ("first_response", "首次响应", "duration_text"),
    )
    rows = [
        ["B", "2024-07-01 09:00", "1 小时 20 分钟"],  # 4800 s
        ["B", "2024-07-01 09:00", "1 hour 20 minutes 30 seconds"],  # 4830 s
        ["B", "2024-07-01 09:00", "2d 3h"],  # 183600 s
    ]
    result = summary_of([ticket_file(tmp_path, rows, columns=words, name="w.csv")])
    assert agent(result, "B").values[rules.AVERAGE_RESPONSE] == (4800 + 4830 + 183600) / 3


@pytest.mark.parametrize(
    ("ratings", "mean", "scale"),
    [
        (["5", "4", "1"], round(10 / 3, 2), "1-5"),
        (["1", "0", "0.5"], 3.0, "0-1"),  # 1 + 4x: 5, 1, 3
        (["满意", "一般", "不满意"], 3.0, None),  # 5, 3, 1
        (["Extremely satisfied", "Not satisfied", "Neutral"], 3.0, None),  # Freshdesk: 5, 1, 3
        (["非常满意", "比较满意", "不太满意", "Offered"], round(11 / 3, 2), None),  # 5, 4, 2
    ],
)
def test_rating_scales_detected_and_converted(tmp_path, ratings, mean, scale):
    columns = (
        ("agent", "客服", "text"),
        ("created", "创建时间", "datetime"),
        *[("csat", "满意度", "csat")],
    )
    rows = [["A", "2024-07-01 09:00", rating] for rating in ratings]
    result = summary_of([ticket_file(tmp_path, rows, columns=columns)])
    assert agent(result, "A").values[rules.CSAT] == mean
    assert (result.csat_scale.code if result.csat_scale else None) == scale


@pytest.mark.parametrize(
    ("definition", "rate"),
    [("default", 1 / 3), ("replies", 2 / 3), ("reopen", 2 / 3)],
)
def test_first_contact_resolution_definitions(tmp_path, definition, rate):
    rows = [
        ticket("1", "A", "2024-07-01 09:00", resolved="2024-07-01 10:00", replies="1"),
        ticket("2", "A", "2024-07-01 09:00", resolved="2024-07-01 10:00", replies="2"),
        ticket(
            "3", "A", "2024-07-01 09:00", resolved="2024-07-01 10:00", replies="0", reopened="是"
        ),
        ticket("4", "A", "2024-07-01 09:00", resolved="", replies="1"),  # unsolved: excluded
    ]
    result = summary_of([ticket_file(tmp_path, rows)], fcr=definition)
    row = agent(result, "A")
    assert row.values[rules.FCR] == pytest.approx(rate)
    assert row.counts["unsolved"] == 1


def test_fcr_by_customer_contacts(tmp_path):
    columns = (
        ("agent", "客服", "text"),
        ("created", "创建时间", "datetime"),
        ("resolved", "解决时间", "datetime"),
        ("contacts", "联络次数", "count"),
    )
    rows = [
        ["A", "2024-07-01 09:00", "2024-07-01 10:00", "1"],
        ["A", "2024-07-01 09:00", "2024-07-01 10:00", "3"],
    ]
    result = summary_of([ticket_file(tmp_path, rows, columns=columns)], fcr="contacts")
    assert agent(result, "A").values[rules.FCR] == 0.5
    # Without a replies or reopen column, the default definition cannot be computed.
    assert rules.FCR not in summary_of([ticket_file(tmp_path, rows, columns=columns)]).available


def test_repeat_complaints_within_30_days_only(tmp_path):
    rows = [
        ticket("1", "A", "2024-07-01 09:00", complaint="是", customer="C1"),
        ticket("2", "B", "2024-07-31 09:00", complaint="是", customer="C1"),  # 30 days: repeat
        ticket("3", "B", "2024-09-01 09:00", complaint="是", customer="C1"),  # 32 days: not
        ticket("4", "B", "2024-09-02 09:00", complaint="是", customer=""),  # no customer: not
    ]
    result = summary_of([ticket_file(tmp_path, rows)])
    assert agent(result, "A").values[rules.REPEAT_COMPLAINT_RATE] == 0
    assert agent(result, "B").values[rules.REPEAT_COMPLAINT_RATE] == pytest.approx(1 / 3)
    assert agent(result, "B").values[rules.COMPLAINT_RATE] == 1


def test_unusable_rows_counted_per_reason_with_their_excel_rows(tmp_path):
    rows = [
        ticket("1", "A", "2024-07-01 09:00:00", "2024-07-01 09:01:00"),  # row 2
        ["2\nsecond line", "A", "在线", "2024-07-01 09:00:00", "", "", "1", "", "否", "否", ""],
        ticket("3", "A", "yesterday", "2024-07-01 09:01:00"),  # row 4
        ticket("4", "A", "", "2024-07-01 09:01:00"),  # row 5
        ticket("5", "A", "2024-07-01 09:00:00", "2024-07-01 08:00:00"),  # row 6
        ticket("6", "A", "2024-07-01 09:00:00", resolved="2024-06-30 09:00:00"),  # row 7
        ticket("7", "A", "2024-07-01 09:00:00", replies="many"),  # row 8
        ticket("8", "", "2024-07-01 09:00:00"),  # row 9: unassigned, not unusable
        ["", "", "", "", "", "", "", "", "", "", ""],  # row 10: a blank line, skipped
    ]
    result = summary_of([ticket_file(tmp_path, rows, name="q3.csv")])
    found = [(bad.ref, bad.reason) for bad in result.bad_rows]
    assert found == [
        ("q3!4:4", "created_unparseable"),
        ("q3!5:5", "created_missing"),
        ("q3!6:6", "response_before_created"),
        ("q3!7:7", "resolved_before_created"),
        ("q3!8:8", "number_unparseable"),
    ]
    assert result.bad_counts["created_unparseable"] == 1
    assert result.rows_read == 8
    assert result.unassigned == 1
    assert agent(result, "A").counts["tickets"] == 2  # rows 2 and 3 (a record over two lines)


def test_negative_durations_are_unusable(tmp_path):
    rows = [["A", "2024-07-01 09:00", "-5", "", ""], ["A", "2024-07-01 09:00", "5", "", ""]]
    result = summary_of([ticket_file(tmp_path, rows, columns=UNIT_COLUMNS)])
    assert [bad.reason for bad in result.bad_rows] == ["negative_duration"]
    assert agent(result, "A").values[rules.AVERAGE_RESPONSE] == 300  # 5 minutes


def test_the_period_keeps_its_own_tickets_and_counts_the_rest(tmp_path):
    rows = [
        ticket("1", "A", "2024-06-30 23:59:59"),
        ticket("2", "A", "2024-07-01 00:00:00"),
        ticket("3", "A", "2024-09-30 23:59:59"),
        ticket("4", "A", "2024-10-01 00:00:00"),
    ]
    result = summary_of([ticket_file(tmp_path, rows)], period=Q3)
    assert agent(result, "A").counts["tickets"] == 2
    assert result.outside_period == 2


def test_several_files_in_one_run_with_their_own_row_references(tmp_path):
    first = ticket_file(tmp_path, [ticket("1", "A", "2024-07-01 09:00")], name="a.csv")
    second = ticket_file(tmp_path, [ticket("2", "A", "bad")], name="b.csv")
    result = summary_of([first, second])
    assert agent(result, "A").counts["tickets"] == 1
    assert [bad.ref for bad in result.bad_rows] == ["b!2:2"]
    assert result.rows_read == 2


def test_day_by_day_rows_are_each_days_tickets(tmp_path):
    rows = [
        ticket("1", "A", "2024-07-01 09:00", "2024-07-01 09:01"),
        ticket("2", "A", "2024-07-01 10:00", "2024-07-01 10:03"),
        ticket("3", "A", "2024-07-02 10:00", "2024-07-02 10:10"),
    ]
    result = summary_of([ticket_file(tmp_path, rows)])
    days = {(row["agent"], row["day"]): row for row in result.days.iter_rows(named=True)}
    assert days[("A", dt.date(2024, 7, 1))][rules.AVERAGE_RESPONSE] == 120
    assert days[("A", dt.date(2024, 7, 1))][rules.DAILY_VOLUME] == 2
    assert days[("A", dt.date(2024, 7, 2))][rules.DAILY_VOLUME] == 1


def test_the_streaming_and_in_memory_engines_agree(tmp_path):
    """Big inputs run streamed (bounded memory), small ones in memory: the same figures."""
    rows = [
        ticket(
            "1",
            "A",
            "2024-07-01 09:00",
            "2024-07-01 09:02",
            "2024-07-01 10:00",
            csat="4",
            complaint="是",
            customer="C1",
        ),
        ticket(
            "2",
            "A",
            "2024-07-02 09:00",
            "2024-07-02 09:04",
            "",
            csat="2",
            complaint="是",
            customer="C1",
        ),
        ticket("3", "B", "bad", "2024-07-02 09:04"),
        ticket("4", "B", "2024-07-03 09:00", "2024-07-03 09:01", "2024-07-03 09:30", replies="4"),
    ]
    source = ticket_file(tmp_path, rows)
    streamed = summary_of([source], streaming=True, business_hours=NINE_TO_SIX)
    in_memory = summary_of([source], streaming=False, business_hours=NINE_TO_SIX)
    assert streamed.agents == in_memory.agents and streamed.days.equals(in_memory.days)
    assert (
        [b.ref for b in streamed.bad_rows] == [b.ref for b in in_memory.bad_rows] == ["tickets!4:4"]
    )
    assert agent(streamed, "A").values[rules.REPEAT_COMPLAINT_RATE] == 0.5
    assert agent(streamed, "A").values[rules.AVERAGE_RESPONSE] == 180  # (120 + 240) / 2


def test_datetime_layouts_most_used_first_and_at_most_three():
    """The layouts a sample is written in, the most used first: a layout that parses every
    value left ends the search; one nothing parses is never chosen."""
    from cs_kpi.tickets.engine import datetime_formats

    sample = ["2024-07-01 09:00:00"] * 3 + ["2024/07/01 09:05"] * 2 + ["2024年7月1日 10:00"]
    assert datetime_formats(sample) == [
        ("%Y-%m-%d %H:%M:%S", "wall"),
        ("%Y/%m/%d %H:%M", "wall"),
        ("%Y年%m月%d日 %H:%M", "wall"),
    ]
    assert datetime_formats(["2024-07-01 09:00:00.250", "2024-07-01 09:00:01"]) == [
        ("%Y-%m-%d %H:%M:%S%.f", "wall")
    ]
    assert datetime_formats(["soon", "later"]) == [("%Y-%m-%d %H:%M:%S", "wall")]


def test_yes_no_and_rating_words_in_the_cases_people_write_them(tmp_path):
    """是/否 words and rating words are read in lower, UPPER, Title and Sentence case; a word
    in any other mix of cases is not guessed at: its row is unusable and listed."""
    rows = [
        ticket("1", "A", "2024-07-01 09:00:00", complaint="YES", csat="GOOD"),
        ticket("2", "A", "2024-07-01 09:00:00", complaint="True", csat="Not Offered"),
        ticket("3", "A", "2024-07-01 09:00:00", complaint="no", csat="Bad"),
        ticket("4", "A", "2024-07-01 09:00:00", complaint="yEs"),  # row 5
    ]
    result = summary_of([ticket_file(tmp_path, rows, name="q3.csv")])
    assert [(bad.ref, bad.reason) for bad in result.bad_rows] == [("q3!5:5", "value_unreadable")]
    a = agent(result, "A")
    assert a.counts["tickets"] == 3
    assert a.counts["complaints"] == 2  # YES, True
    assert a.counts["rated"] == 2  # GOOD 5 and Bad 1; Not Offered was never rated
    assert a.values[rules.CSAT] == 3.0  # (5 + 1) / 2


def test_a_files_first_rows_from_its_first_mebibyte(tmp_path):
    """first_rows: polars' own first 2,000 records, read from the first MiB; a record the
    MiB cuts (a quoted line break) is never in it; a record longer than the MiB still is."""
    import polars as pl

    from cs_kpi.tickets.engine import SAMPLE_ROWS, first_rows

    small = tmp_path / "small.csv"
    small.write_text('a,b\n1,"x\ny"\n2,z\n', encoding="utf-8")
    assert first_rows(small).rows() == [("1", "x\ny"), ("2", "z")]

    big = tmp_path / "big.csv"
    rows = "".join(f'{n},"line one\nline two {n}"\n' for n in range(40_000))
    big.write_text("a,b\n" + rows, encoding="utf-8")
    expected = pl.read_csv(big, n_rows=SAMPLE_ROWS, infer_schema=False)
    assert first_rows(big).equals(expected)

    few = tmp_path / "few.csv"  # ~900 records in the first MiB, one of them cut at its end
    few.write_text("a,b\n" + "".join(f'{n},"{"w" * 1150}\n{n}"\n' for n in range(2_000)))
    sample = first_rows(few)
    assert 800 < sample.height < SAMPLE_ROWS
    assert sample.equals(pl.read_csv(few, infer_schema=False).head(sample.height))
    assert all(text.endswith(f"\n{n}") for n, text in sample.rows())

    long = tmp_path / "long.csv"
    long.write_text("a,b\n1," + "x" * (2 << 20) + "\n2,y\n", encoding="utf-8")
    assert first_rows(long).rows() == [("1", "x" * (2 << 20)), ("2", "y")]
