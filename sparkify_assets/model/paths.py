"""Where the project lives: its own files are found from here, never from the current
directory, so a command started in a sub-folder (`cd sql && uv run dagster job execute …`)
reads the same SQL, the same home and the same data as one started at the root."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SQL_DIR = PROJECT_ROOT / "sql"
DEFAULT_HOME = PROJECT_ROOT / ".sparkify"
