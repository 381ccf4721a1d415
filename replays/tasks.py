"""django-q2 tasks of replays: thin wrappers that call plain functions with ids."""

from __future__ import annotations

from replays import running


def run_replay(replay_id: int) -> None:
    running.run(int(replay_id))


def resume_stalled() -> int:
    return running.resume_stalled()
