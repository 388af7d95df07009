"""The shared vocabulary (cs_kpi.vocab): bands, their text, flags, markers, read by everyone."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from cs_kpi import reader, vocab
from cs_kpi.guide_text import SETTING_HINTS
from cs_kpi.review.rules import grade_for


@pytest.mark.parametrize("scheme", ["four_band", "sabc"])
def test_bands_agree_with_the_rules_at_every_edge(scheme):
    """A shown total at a band's floor has its grade; 0.01 below has the next one."""
    bands = vocab.grade_bands(scheme)
    for band, lower in zip(bands, bands[1:], strict=False):
        assert grade_for(band.low, scheme).code == band.grade.code
        assert grade_for(band.low - D("0.01"), scheme).code == lower.grade.code
    assert bands[-1].low is None and bands[0].high is None


def test_band_text_is_the_spec_text():
    """SPEC §4.3: 优秀 ≥ 90 · 良好 80–89.99 · 合格 60–79.99 · 待改进 < 60."""
    assert (
        vocab.bands_text("four_band", "zh")
        == "优秀 ≥ 90 · 良好 80–89.99 · 合格 60–79.99 · 待改进 < 60"
    )
    assert vocab.bands_text("sabc", "en", quotas=True) == (
        "S ≥ 90 (at most 10%) · A 80–89.99 (at most 20%) · B 70–79.99 · C < 70 (at least 5%)"
    )
    # The template hint is generated from the same bands.
    assert "良好 80–89.99" in SETTING_HINTS["grade_scheme"]("zh")


def test_flags_in_order_with_labels():
    assert vocab.FLAG_ORDER == (
        "missing_review",
        "incomplete_metrics",
        "no_metrics",
        "no_reviews",
        "not_assessed",
        "mandatory_plan",
        "reserve_candidate",  # SPEC §11: from the history
        "reassessment_failed",
    )
    seventy = D(70)
    assert (
        vocab.flag_text(["missing_review", "mandatory_plan"], "zh", improvement_threshold=seventy)
        == "缺评、低于改进阈值 70"
    )
    # the threshold is the scheme's, shown as typed (72.5 stays 72.5)
    assert (
        vocab.flag_text(["mandatory_plan"], "en", improvement_threshold=D("72.50"))
        == "Below the improvement threshold 72.5"
    )
    assert (
        vocab.flag_text(["no_metrics", "odd"], "en", improvement_threshold=seventy)
        == "No indicators, odd"
    )


def test_reader_knows_the_reports_by_the_vocabulary_markers():
    assert reader._REPORT_MARKERS is vocab.REPORT_MARKERS
    assert vocab.REPORT_MARKERS[(vocab.KIND_PROPERTY, vocab.SCORE_REPORT_KIND)] == "score"
    assert vocab.REPORT_MARKERS[(vocab.SLA_REPORT_PROPERTY, vocab.SLA_REPORT_KIND)] == "sla-report"


def test_grade_labels_of_every_scale():
    assert vocab.grade_label("needs_improvement", "zh") == "待改进"
    assert vocab.grade_label("fail", "en") == "Fail"
    with pytest.raises(KeyError):
        vocab.grade_label("Z", "zh")
