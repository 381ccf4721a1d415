"""The make targets of the embedded install start with nothing set, as the README promises."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What the project reads from the environment; a newcomer has none of it.
PROJECT_VARIABLES = ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL", "PUBLIC_URL")


def test_it_migrates_the_embedded_database_with_nothing_set(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in PROJECT_VARIABLES and not k.startswith("DJANGO_")}
    env["VAR_DIR"] = str(tmp_path)

    # The recipe as it stands, run by this interpreter: installing is the smoke test's business.
    result = subprocess.run(
        ["make", "--no-print-directory", "--assume-old=install", "migrate", f"PY={sys.executable}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "db.sqlite3").stat().st_size > 0
