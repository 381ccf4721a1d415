"""Runtime files only their owner may read.

``VAR_DIR`` holds the SQLite database (sessions, event data with personal
information, encrypted tokens) and generated development keys, so it is made
0700 and those files 0600: created that way (under a strict umask, so there
is no moment when they are readable by others) and tightened when they
already exist with looser modes from an older install.
"""

from __future__ import annotations

import os
from pathlib import Path

from config.env import ConfigurationError

# SQLite's companions of a database file; new ones take the database's own mode.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_directory(path: Path) -> None:
    """Create ``path`` (and missing parents) mode 0700, or make an existing one 0700."""
    previous = os.umask(0o077)
    try:
        path.mkdir(parents=True, exist_ok=True)
    finally:
        os.umask(previous)
    _chmod(path, 0o700)


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if missing, or make an existing one 0600."""
    previous = os.umask(0o077)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    finally:
        os.umask(previous)
    _chmod(path, 0o600)


def private_sqlite_database(path: Path) -> None:
    """The database file and any companion file SQLite already made, all 0600."""
    private_directory(path.parent)
    private_file(path)
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            _chmod(companion, 0o600)


def _chmod(path: Path, mode: int) -> None:
    try:
        path.chmod(mode)
    except PermissionError:
        raise ConfigurationError(
            f"{path} must be readable by this user alone (mode {mode:o}), and this user cannot change it"
        ) from None
