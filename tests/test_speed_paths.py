"""The shortcuts taken for speed (issue 9) give what the long way gives.

Each shortcut here replaces a computation by a cached or cheaper one; these tests pin
the results the long way gives, worked by hand, including the cases a cache could
get wrong (equal keys that are not the same value, results shared between callers).
"""

from __future__ import annotations

from decimal import Decimal

from cs_kpi.review.model import Scheme
from cs_kpi.review.rules import item_score
from cs_kpi.writer.cells import fit_width, text_width

D = Decimal
SCHEME = Scheme()  # self 20%, peer 30%, manager 50%


def test_item_score_is_the_same_whether_computed_or_remembered() -> None:
    # 0.2 × 8 + 0.5 × 6 = 4.6 over 0.7 = 6.5714… → 6.57, the peer missing (SPEC §4.1).
    first = item_score(D(8), None, D(6), SCHEME)
    again = item_score(D("8.0"), None, D("6.00"), SCHEME)  # equal values, typed otherwise
    assert first == again == (D("6.57"), ["peer"])
    assert str(again[0]) == "6.57"
    first[1].append("changed by a caller")
    assert item_score(D(8), None, D(6), SCHEME)[1] == ["peer"]  # each call its own list


def test_item_score_remembers_per_set_of_weights() -> None:
    assert item_score(D(10), D(9), D(10), SCHEME) == (D("9.70"), [])  # 2 + 2.7 + 5
    halves = Scheme(self_weight=D("0.5"), peer_weight=D(0), manager_weight=D("0.5"))
    assert item_score(D(10), D(9), D(10), halves) == (D("10.00"), [])  # 5 + 0 + 5


def test_a_negative_zero_manager_score_keeps_its_sign_after_a_plain_zero() -> None:
    """Only the manager weighs (the others 0, their scores blank): the item score is the
    manager's, rounded; -0 equals 0 as a cache key, so it is not taken from the cache."""
    manager_only = Scheme(self_weight=D(0), peer_weight=D(0), manager_weight=D(0))
    assert str(item_score(None, None, D(0), manager_only)[0]) == "0.00"
    assert str(item_score(None, None, D("-0"), manager_only)[0]) == "-0.00"


def test_text_width_of_ascii_text_is_the_sum_of_its_characters() -> None:
    # 1.1 per Latin character added one at a time, as for any other text: the product
    # would round otherwise (1.1 × 6 = 6.6000000000000005, the sum 6.6).
    assert text_width("E00012") == 6.6
    assert text_width("E000123") == 7.699999999999999  # 1.1 × 7 = 7.700000000000001
    assert text_width("张三a") == 2.0 + 2.0 + 1.1
    assert text_width(12.5) == text_width("12.5") == 4.4
    assert text_width("") == 0.0


def test_text_width_counts_wide_characters_as_the_loop_would() -> None:
    """The regular expression counts exactly the characters above U+2E80 as wide."""
    # 360评价!D29062:F29062: 2 wide (评价) and 17 narrow = 4.0 + 18.7 = 22.7 by hand.
    assert round(text_width("360评价!D29062:F29062"), 9) == 22.7
    # U+2E80 itself is narrow, U+2E81 wide; an accented letter and a dash are narrow.
    assert text_width("\u2e80") == 1.1
    assert text_width("\u2e81") == 2.0
    assert round(text_width("é—a"), 9) == 3.3
    assert text_width("😀") == 2.0  # above the BMP: wide
    for text in ["张三a", "a张三", "组长576", "员工10000", "E109999 员工10000", "（备注）x"]:
        by_loop = sum(2.0 if ord(char) > 0x2E80 else 1.1 for char in text)
        assert abs(text_width(text) - by_loop) < 1e-9


def test_fit_width_stops_at_texts_that_cannot_be_wider() -> None:
    # Three Chinese characters: 6.0, + 2 = 8.0; the shorter text cannot be wider.
    assert fit_width(["张三丰", "李四光", "王五"]) == 8.0
    # A Latin name of 11 characters is 12.1 wide (2 × 11 = 22 could be more), so the
    # Chinese names of 3 (at most 6.0) are not measured: 12.099999999999998 + 2.
    assert fit_width(["张三丰", "Wang Wu Fei"]) == 14.099999999999998
    # But a name of 7 Chinese characters (14.0) is wider than it.
    assert fit_width(["张三丰李四光王", "Wang Wu Fei"]) == 16.0


def test_percent_decimals_of_repeated_shares_is_that_of_their_distinct_values() -> None:
    from cs_kpi.writer.style import percent_decimals

    # 87.5% needs 1 decimal, 85.25% needs 2: repeated 30,000 times, still 2.
    assert percent_decimals([D("0.875"), D("0.8525")] * 30_000) == 2
    # A float and the Decimal of its exact binary value compare equal but are not the same
    # share: 0.1 shows as 10.0% (1 decimal), Decimal(0.1) needs more than 3 (capped at 3).
    assert percent_decimals([0.1]) == 1
    assert percent_decimals([0.1, D(0.1)]) == 3
    assert percent_decimals(iter([None, True, 1, D("0.5")])) == 1
