"""Problems are data: a stable code, rendered in either language only at the edge (issue 9.3)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import string

import pytest
from typer.testing import CliRunner

import cs_kpi
from cs_kpi.cli import app
from cs_kpi.i18n import CATALOGUE, Joined, Text, register_codes
from cs_kpi.problems import Problem, Problems
from cs_kpi.schema import REVIEWS, ROSTER

for _module in pkgutil.walk_packages(cs_kpi.__path__, "cs_kpi."):
    if not _module.name.endswith("__main__"):
        importlib.import_module(_module.name)  # every module registers its messages on import

KNOWN_CODES = (
    "a_report",
    "actual_before_occurred",
    "agents_not_in_roster",
    "agreed_blank",
    "agreed_no_review",
    "agreed_not_flagged",
    "ambiguous_date",
    "ambiguous_month",
    "ambiguous_name",
    "archive",
    "bad_business_hours",
    "bad_encoding",
    "bad_indicators",
    "bad_map_option",
    "bad_max_bad_rows",
    "bad_month_option",
    "bad_period",
    "bad_timezone",
    "before_requested",
    "blank_indicator",
    "breach_months",
    "by_team_folder",
    "by_team_no_plan",
    "calendar_fallback",
    "calibration_duplicate",
    "cell_beyond_excel",
    "completed_before_start",
    "csv",
    "damaged",
    "damaged_zip",
    "dates_order",
    "defaulted",
    "differs_from_stored",
    "direction_conflict",
    "direction_from_standard",
    "directory",
    "docx",
    "done_without_date",
    "duplicate",
    "duplicate_column",
    "duplicate_metric",
    "duplicate_month",
    "empty_file",
    "empty_workbook",
    "encrypted",
    "error_cell",
    "et",
    "excel_lock",
    "file_not_found",
    "files_exist",
    "from_after_to",
    "gap",
    "history_both_ways",
    "history_cannot_open",
    "history_corrupt",
    "history_failed",
    "history_forget_needs_yes",
    "history_locked",
    "history_missing",
    "history_newer_schema",
    "history_not_a_store",
    "history_nothing_to_forget",
    "history_read_only",
    "history_unknown_id",
    "history_unreachable",
    "history_unsupported_url",
    "holiday_duplicate",
    "holidays_file_not_found",
    "holidays_file_type",
    "hostile_xml",
    "html",
    "image",
    "indicator_not_computed",
    "libreoffice_failed",
    "libreoffice_lock",
    "line_range",
    "lines_order",
    "manager_blank",
    "map_field_twice",
    "meeting_before_occurred",
    "meeting_time_unknown",
    "merge_too_large",
    "metric_given_twice",
    "metrics_need_roster",
    "missing_columns",
    "missing_indicator_column",
    "missing_metric_column",
    "missing_sheet",
    "month_blank",
    "month_conflict",
    "month_not_in_data",
    "month_skipped",
    "months_not_yet_reported",
    "name_mismatch",
    "negative",
    "no_fee",
    "no_header",
    "no_libreoffice",
    "no_metrics",
    "no_months",
    "no_people",
    "no_tickets_in_period",
    "not_a_choice",
    "not_a_date",
    "not_a_folder",
    "not_a_month",
    "not_a_number",
    "not_a_percent",
    "not_a_tracker",
    "not_assessed",
    "not_found",
    "not_in_workbook",
    "not_metrics_file",
    "not_money",
    "not_recognised",
    "not_regular",
    "not_reported",
    "not_this_kind",
    "not_xlsx_output",
    "nothing_to_score",
    "numbers",
    "odf_other",
    "ods",
    "other_agreement",
    "other_kind",
    "other_metrics",
    "other_ole",
    "other_zip",
    "output_failed",
    "output_folder_is_file",
    "output_is_input",
    "output_locked",
    "outside_service",
    "owner_unmatched",
    "part_blank",
    "part_too_large",
    "pdf",
    "pdf_cannot_start",
    "pdf_failed",
    "pdf_timed_out",
    "peer_detail_unused",
    "percent_as_points",
    "percent_range",
    "period_or_dates",
    "plain_text",
    "positive",
    "powerpoint",
    "pptx",
    "qa_bad_new_days",
    "qa_bad_rate",
    "qa_empty",
    "qa_more_bad_rows",
    "qa_no_complaint_column",
    "qa_no_hire_date",
    "qa_no_roster",
    "qa_no_ticket_column",
    "qa_no_tickets",
    "qa_not_in_roster",
    "qa_some_unusable",
    "qa_ticket_missing",
    "qa_too_many_unusable",
    "qa_unassigned",
    "quota_breached",
    "rater_weights_not_100",
    "read_as_points",
    "reassessment_needs_history",
    "reassessment_without_period",
    "required",
    "roster_duplicate_id",
    "roster_empty",
    "roster_missing_columns",
    "roster_no_header",
    "row_skipped",
    "rows_dropped",
    "same_feedback_output",
    "same_output",
    "same_track_output",
    "schedule_fallback",
    "score_range",
    "share_range",
    "sheet_damaged",
    "sla_weights_not_100",
    "soffice_env_invalid",
    "some_unusable",
    "step_required",
    "tickets_bad_encoding",
    "tickets_csv_error",
    "tickets_decode_error",
    "tickets_map_no_column",
    "tickets_missing_columns",
    "tickets_no_table",
    "tickets_xlsx_damaged",
    "tickets_xml_damaged",
    "too_compressed",
    "too_large",
    "too_many_members",
    "too_many_unusable",
    "total_too_compressed",
    "tracker_other_kind",
    "tsv",
    "uncalculated",
    "unknown",
    "unknown_id",
    "unknown_indicator_column",
    "unknown_item",
    "unknown_map_field",
    "unknown_metric_column",
    "unknown_type",
    "unreadable",
    "unusable_row",
    "word_doc",
    "xls",
    "xlsb",
    "xml_2003",
    "xml_entities",
    "xml_other",
)
"""The codes users may rely on (SPEC §9): a rename or a removal shows up here in review."""


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_catalogue_is_the_pinned_list_of_codes() -> None:
    assert tuple(sorted(CATALOGUE)) == KNOWN_CODES


@pytest.mark.parametrize("code", KNOWN_CODES)
def test_every_code_renders_in_both_languages(code: str) -> None:
    text = CATALOGUE[code]
    assert text.code == code
    assert _fields(text.zh) == _fields(text.en), "zh and en must name the same values"
    values = {name: f"<{name}>" for name in _fields(text.zh)}
    problem = Problem(text.msg(**values), "Sheet", "B2")
    zh, en = problem.message("zh"), problem.message("en")
    assert zh and en and zh != en
    for shown in values.values():
        assert shown in zh and shown in en
    assert "{" not in zh.replace("{{", "") and "{" not in en.replace("{{", "")


def test_values_named_in_two_languages_render_in_the_users_language() -> None:
    problem = Problem(CATALOGUE["missing_sheet"].msg(sheet=REVIEWS, found="Sheet1"), "360评价")
    assert problem.message("zh") == "缺少工作表“360评价”（文件中的工作表：Sheet1）"
    assert problem.message("en") == "missing sheet “Reviews” (sheets in the file: Sheet1)"
    columns = Joined(tuple(ROSTER.columns[:2]))
    listed = Problem(CATALOGUE["roster_no_header"].msg(required=columns, optional="—"))
    assert "工号 / 姓名" in listed.message("zh") and "ID / Name" in listed.message("en")


def test_to_json_carries_the_code_beside_the_message() -> None:
    problem = Problem(CATALOGUE["score_range"].msg(value="11"), "360评价", "F7", 11)
    assert problem.in_file("q3.xlsx").to_json("en") == {
        "file": "q3.xlsx",
        "sheet": "360评价",
        "cell": "F7",
        "code": "score_range",
        "message": "score 11 is outside 0–10",
    }


def test_a_problem_without_a_coded_message_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        Problems().error("plain text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Problems().warn(Text("未登记", "not registered").msg())


def test_two_messages_under_one_code_are_refused_at_import() -> None:
    with pytest.raises(RuntimeError):
        register_codes({"SCORE_RANGE": Text("别的", "something else")})


def test_cli_json_problems_carry_codes_and_cells(tmp_path) -> None:
    """An exit-1 run lists each problem with its code; the message follows --lang."""
    bad = tmp_path / "bad.xlsx"
    bad.write_text("工号,姓名\n1001,张三\n", encoding="utf-8")  # a CSV named .xlsx
    for lang, word in (("zh", "CSV"), ("en", "CSV")):
        result = CliRunner().invoke(app, ["validate", str(bad), "--json", "--lang", lang])
        assert result.exit_code == 1
        payload = json.loads(result.stdout)
        [problem] = payload["problems"]
        assert problem["code"] == "csv" and problem["sheet"] is None
        assert word in problem["message"]


def test_no_message_carries_literal_backticks() -> None:
    """Issue 10.3: messages are for people; a command is quoted, not marked up."""
    assert [code for code, text in CATALOGUE.items() if "`" in text.zh + text.en] == []
