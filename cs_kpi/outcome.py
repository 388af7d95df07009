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
    # The full JSON in a language, when building it costs something: made only for --json.
    details: Callable[[str], dict[str, Any]] | None = None

    def to_json(self, lang: str) -> dict[str, Any]:
        """The `--json` result of SPEC §9, the one place it is built: the command's data
        and its warnings (each with its code), messages in `lang`."""
        data = self.details(lang) if self.details else dict(self.data)
        data.setdefault("warnings", [problem.to_json(lang) for problem in self.warnings])
        return data
