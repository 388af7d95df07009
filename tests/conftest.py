import sys
from pathlib import Path

# Make tests/ helpers (libreoffice.py, builders) importable as plain modules.
sys.path.insert(0, str(Path(__file__).parent))
