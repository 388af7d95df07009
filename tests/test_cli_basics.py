"""The CLI shell: version, help with examples, and no heavy imports for --help."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cs_kpi import __version__
from cs_kpi.cli import app

COMMANDS = [
    "history",
    "init-templates",
    "metrics",
    "qa-sample",
    "score",
    "sla-report",
    "track",
    "validate",
]


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"cs-kpi {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_shows_an_example(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert f"Example: cs-kpi {command}" in result.output


def test_help_imports_no_heavy_module():
    code = (
        "import sys\n"
        "from cs_kpi.cli import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = {'pandas', 'openpyxl', 'xlsxwriter', 'python_calamine', 'numpy', 'chinese_calendar',"
        " 'sqlalchemy', 'psycopg'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_parsing_a_command_imports_neither_pydantic_nor_the_template_writer(tmp_path):
    """Every start parses options: typer 0.29 did it through pydantic (0.2–0.3 s a start,
    README › Performance), and `--period` once pulled in the template writer (0.1 s)."""
    code = (
        "import sys\n"
        "from cs_kpi.cli import app\n"
        "try:\n"
        f"    app(['metrics', {str(tmp_path / 'nope.csv')!r}, '--period', '2024-Q3'])\n"
        "except SystemExit as stop:\n"
        "    print('exit', stop.code)\n"
        "print(sorted({'pydantic', 'cs_kpi.templates'} & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-2:] == ["exit 1", "[]"]


def test_unknown_option_is_a_usage_error():
    result = CliRunner().invoke(app, ["score", "x.xlsx", "--bogus"])
    assert result.exit_code == 2


def test_missing_file_is_an_input_problem_without_traceback(tmp_path):
    result = CliRunner().invoke(app, ["score", str(tmp_path / "nope.xlsx")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "nope.xlsx" in result.output


def test_progress_bar_only_on_a_terminal(monkeypatch):
    """Steps print nothing when stderr is not a terminal, and walk their labels when it is."""
    import io

    from rich.console import Console

    from cs_kpi import console as console_module

    with console_module.Steps(["a", "b"], enabled=False) as steps:
        steps.next(1)
    assert steps._progress is None
    buffer = io.StringIO()
    monkeypatch.setattr(
        console_module, "stderr_console", lambda: Console(file=buffer, force_terminal=True)
    )
    with console_module.Steps(["读取", "计算"], enabled=True) as steps:
        steps.next(1)
        assert steps._progress.tasks[0].completed == 1
        assert steps._progress.tasks[0].description == "计算"
    assert steps._progress.tasks[0].completed == 2


def test_every_command_is_one_module_of_the_commands_package():
    """Issue 9, point 5: the CLI parses options and calls `run` of `cs_kpi.commands.<name>`."""
    import importlib
    import inspect

    import typer.main

    from cs_kpi import cli

    names = sorted(command.name for command in typer.main.get_command(cli.app).commands.values())
    assert names == [
        "history",
        "init-templates",
        "metrics",
        "qa-sample",
        "score",
        "sla-report",
        "track",
        "validate",
    ]
    source = inspect.getsource(cli)
    for name in names:
        module = importlib.import_module(f"cs_kpi.commands.{name.replace('-', '_')}")
        assert callable(module.run)
        assert f"from cs_kpi.commands.{name.replace('-', '_')} import run" in source


def test_result_on_stdout_problems_and_warnings_on_stderr(tmp_path):
    """SPEC §2: `cs-kpi validate q3.xlsx > problems.txt` captures the problem list; a scoring
    run prints its tables on stdout and its warnings on stderr."""
    from corpus.generate import GOOD_METRICS, GOOD_REVIEWS
    from review_builders import build

    metrics = [list(GOOD_METRICS[0]), list(GOOD_METRICS[1])]
    metrics[0][3] = 97  # a % indicator typed as points: a warning (指标数据!D3)
    good = build(tmp_path / "q3.xlsx", metrics=metrics, reviews=GOOD_REVIEWS)
    scored = CliRunner().invoke(app, ["score", str(good), "--as-of", "2024-10-08"])
    assert scored.exit_code == 0, scored.output
    assert "张三" in scored.stdout and "张三" not in scored.stderr
    assert "百分点" in scored.stderr and "百分点" not in scored.stdout

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)  # an OLE file, not xlsx
    checked = CliRunner().invoke(app, ["validate", str(bad)])
    assert checked.exit_code == 1
    assert "bad.xlsx" in checked.stdout and checked.stderr == ""
    failed = CliRunner().invoke(app, ["score", str(bad)])
    assert failed.exit_code == 1
    assert "bad.xlsx" in failed.stderr and failed.stdout == ""


def test_dash_h_is_help_and_summaries_are_whole():
    result = CliRunner().invoke(app, ["-h"])
    assert result.exit_code == 0
    commands = result.stdout.split("Commands:")[1]
    assert "..." not in commands
    for summary in ("list every problem, write nothing", "score an appraisal: report and plan"):
        assert summary in " ".join(result.stdout.split())
    score_help = CliRunner().invoke(app, ["score", "-h"])
    assert score_help.exit_code == 0 and "--as-of 2024-10-08" in score_help.stdout
    assert "报告日期" in score_help.stdout


def test_a_command_answers_in_the_workbooks_language_unless_told(tmp_path):
    """SPEC §2 / issue 10.3: an English workbook gets English messages without --lang."""
    import json
    from pathlib import Path

    from cs_kpi.language import workbook_language

    english = Path(__file__).resolve().parents[1] / "templates/en/04_performance_review.xlsx"
    assert workbook_language(english) == "en"
    result = CliRunner().invoke(app, ["validate", str(english), "--json"])
    [problem] = json.loads(result.stdout)["problems"]
    assert problem["code"] == "no_people" and problem["message"] == (
        "the “Roster” sheet lists nobody"
    )
    told = CliRunner().invoke(app, ["validate", str(english), "--json", "--lang", "zh"])
    assert json.loads(told.stdout)["problems"][0]["message"] == "“Roster”表没有人员"
    assert workbook_language(tmp_path / "missing.xlsx") is None


def test_init_templates_records_the_language(tmp_path):
    from cs_kpi.language import workbook_language
    from cs_kpi.reader import WorkbookFile

    result = CliRunner().invoke(app, ["init-templates", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    book = WorkbookFile(tmp_path / "04_performance_review.xlsx")
    assert book.properties["cs_kpi_lang"] == "en" and book.lang == "en"
    assert workbook_language(tmp_path / "sla_agreement.xlsx") == "en"


def test_problems_and_warnings_name_the_input_file(tmp_path):
    """SPEC §2 / issue 10.3: messages name the input file — in the table's title for a
    person reading the terminal, and as `file` in every `--json` problem and warning."""
    import json

    from corpus.generate import GOOD_METRICS, GOOD_REVIEWS
    from review_builders import build

    metrics = [list(GOOD_METRICS[0]), list(GOOD_METRICS[1])]
    metrics[0][3] = 97  # a % indicator typed as points: a warning at 指标数据!D3
    good = build(tmp_path / "q3_team.xlsx", metrics=metrics, reviews=GOOD_REVIEWS)
    scored = CliRunner().invoke(app, ["score", str(good), "--as-of", "2024-10-08", "--json"])
    assert scored.exit_code == 0, scored.output
    warnings = json.loads(scored.stdout)["warnings"]
    assert warnings and {w["file"] for w in warnings} == {str(good)}
    human = CliRunner().invoke(app, ["score", str(good), "--as-of", "2024-10-08", "--lang", "en"])
    assert f"{good}: 1 warning(s)" in " ".join(human.stderr.split())

    metrics[1][0] = "E999"  # an ID not in 员工: an error
    bad = build(tmp_path / "q3_bad.xlsx", metrics=metrics, reviews=GOOD_REVIEWS)
    failed = CliRunner().invoke(app, ["score", str(bad), "--json"])
    assert failed.exit_code == 1
    problems = json.loads(failed.stdout)["problems"]
    assert problems and all(p["file"] == str(bad) for p in problems)
    shown = CliRunner().invoke(app, ["validate", str(bad)])
    assert shown.exit_code == 1
    assert f"{bad}：发现" in "".join(shown.stdout.split())


def _console(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """`cs-kpi ARGS` as the console script runs it (cli.main, which ends by os._exit)."""
    code = "import sys; from cs_kpi.cli import main; sys.argv[0] = 'cs-kpi'; main()"
    command = [sys.executable, "-c", code, *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd)


def test_the_console_script_leaves_with_each_exit_code_and_all_its_output(tmp_path):
    """main() ends the process with os._exit (no heap teardown): what was written to a
    pipe is all there, and the exit codes are 0, 1 and 2 as SPEC §10 says."""
    sample = "sample_data/04_performance_review_2024Q3.xlsx"
    root = __import__("pathlib").Path(__file__).parent.parent
    done = _console("validate", str(root / sample), "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["ok"] is True  # the whole JSON reached the pipe
    missing = _console("score", str(tmp_path / "nope.xlsx"), "--json")
    assert missing.returncode == 1
    assert json.loads(missing.stdout)["problems"][0]["code"] == "file_not_found"
    assert "Traceback" not in missing.stderr
    usage = _console("score", "x.xlsx", "--bogus")
    assert usage.returncode == 2
    assert "--bogus" in usage.stderr


def test_leaving_with_a_text_prints_it_and_gives_1():
    code = "from cs_kpi.cli import _leave; print('written', end=''); _leave('bye')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr.strip()) == (1, "written", "bye")


def test_the_consoles_print_names_as_typed(capsys):
    """SPEC §2: a name from the user's file is shown exactly as typed — no rich markup,
    no emoji codes — on both consoles, whatever a command prints it in."""
    from cs_kpi.console import stderr_console, stdout_console

    stdout_console().print(":thumbs_up: [bold]张三[/bold] :smile:")
    stderr_console().print(":thumbs_up: [red]李四[/]")
    captured = capsys.readouterr()
    assert captured.out.strip() == ":thumbs_up: [bold]张三[/bold] :smile:"
    assert captured.err.strip() == ":thumbs_up: [red]李四[/]"
