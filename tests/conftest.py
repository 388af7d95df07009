import sys
from pathlib import Path

# Make tests/ helpers (libreoffice.py, builders) importable as plain modules.
sys.path.insert(0, str(Path(__file__).parent))

# The throwaway PostgreSQL server of the history tests: one for the whole session.
from postgres_server import postgres_fixture, server_fixture  # noqa: E402, F401 (fixtures)
