import sys
from pathlib import Path

# Make tests/ helpers (libreoffice.py, builders) importable as plain modules.
sys.path.insert(0, str(Path(__file__).parent))

# The throwaway PostgreSQL server of the history tests: one for the whole session.
from postgres_server import postgres_fixture, server_fixture  # noqa: E402, F401 (fixtures)


def pytest_sessionfinish(session, exitstatus):
    """No test may leave a history store in the repo: `score` and `sla-report` record beside
    their input by default (SPEC §11), so a test that runs them on a shipped file needs
    `--no-history` (or a copy in tmp_path). A store found here fails the run."""
    import pytest

    repo = Path(__file__).resolve().parents[1]
    left = sorted(str(p.relative_to(repo)) for p in repo.rglob("cs-kpi-history.sqlite*"))
    if left:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        sys.stderr.write(f"\nhistory stores left in the repo by the tests: {left}\n")
