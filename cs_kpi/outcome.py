"""What a command hands back to the CLI: its JSON (SPEC §9), warnings and a human summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cs_kpi.problems import Problem


@dataclass
class Outcome:
    data: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)
    render: Callable[[Any, str], None] | None = None  # (rich Console, lang) → None
