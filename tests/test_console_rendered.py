"""`console.rendered` / `Rendered.show`: a result rendered ahead of the edge is shown as it
was rendered, and only on a console set up as it was rendered for."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from cs_kpi import console as console_module
from cs_kpi.console import Rendered, console_settings, rendered


def _table(console, lang: str) -> None:
    table = Table(title="客服指标" if lang == "zh" else "Agents")
    table.add_column("客服" if lang == "zh" else "Agent")
    table.add_column("工单" if lang == "zh" else "Tickets", justify="right")
    table.add_row("张三", "12")
    console.print(table)


def _console(**settings) -> Console:
    options = {"highlight": False, "markup": False, "emoji": False, "width": 60, **settings}
    return Console(file=io.StringIO(), **options)


def test_shown_text_is_what_the_console_prints_itself(monkeypatch):
    made = _console(color_system="truecolor", force_terminal=True)
    monkeypatch.setattr(console_module, "stdout_console", lambda: made)
    ahead = rendered(_table, "zh")
    assert "\x1b[" in ahead.text  # the colours of a terminal are in the text

    edge = _console(color_system="truecolor", force_terminal=True)
    assert ahead.show(edge, "zh")
    direct = _console(color_system="truecolor", force_terminal=True)
    _table(direct, "zh")
    assert edge.file.getvalue() == direct.file.getvalue()
    assert "张三" in edge.file.getvalue()


def test_another_width_colour_or_language_is_rendered_afresh():
    made = _console()
    ahead = Rendered("text", "zh", console_settings(made))
    assert not ahead.show(_console(width=120), "zh")
    assert not ahead.show(_console(color_system="256", force_terminal=True), "zh")
    assert not ahead.show(_console(), "en")
    shown = _console()
    assert ahead.show(shown, "zh") and shown.file.getvalue() == "text"


def test_a_legacy_windows_console_is_always_rendered_afresh():
    legacy = _console(legacy_windows=True)
    ahead = Rendered("\x1b[1mtext\x1b[0m", "zh", console_settings(legacy))
    assert not ahead.show(_console(legacy_windows=True), "zh")
