"""Runtime dependencies are what the commands import (issue 9, point 8)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMPORT = re.compile(r"^\s*(?:import|from)\s+(openpyxl|pandas)\b", re.MULTILINE)


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_no_command_imports_openpyxl_or_pandas() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {match.group(1)}"
        for path in sorted((ROOT / "cs_kpi").rglob("*.py"))
        for match in IMPORT.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_openpyxl_and_pandas_are_not_runtime_dependencies() -> None:
    names = {
        re.split(r"[<>=\[ ]", dep, maxsplit=1)[0].lower() for dep in _project()["dependencies"]
    }
    assert "openpyxl" not in names and "pandas" not in names
    assert {"typer", "rich", "python-calamine", "xlsxwriter"} <= names


def test_openpyxl_serves_the_tests_and_the_sample_scripts() -> None:
    extras = _project()["optional-dependencies"]
    assert any(dep.startswith("openpyxl") for dep in extras["test"])
    assert any(dep.startswith("openpyxl") for dep in extras["samples"])
