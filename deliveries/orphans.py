"""Queue processes that end with their parent instead of working on headless.

``manage.py qcluster`` is a tree: the top process forks a sentinel, which
forks the workers, the pusher and the monitor. When only the top process is
killed (``kill -9`` of one pid, an out-of-memory kill), Linux hands its
children to init and they carry on beside the cluster a supervisor starts in
its place. Asking the kernel to signal each child when its parent dies
(``PR_SET_PDEATHSIG``) ends the whole tree instead, one level at a time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Callable

# From <linux/prctl.h>.
PR_SET_PDEATHSIG = 1


def end_children_with_parent() -> bool:
    """From now on, every process this one forks is sent SIGTERM when its parent dies.

    Whether the platform allows it (Linux only); elsewhere, supervise the
    process group instead (see docs/operations.md).
    """
    global _libc
    if not sys.platform.startswith("linux"):
        return False
    # Loaded here, once: a forked child only makes the call.
    _libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    os.register_at_fork(before=_note_parent, after_in_child=_die_with_parent)
    return True


_libc: ctypes.CDLL | None = None
_forking_pid = 0


def _note_parent() -> None:
    global _forking_pid
    _forking_pid = os.getpid()


def _die_with_parent() -> None:
    if _libc is None or _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        return
    # The parent may have died between the fork and the request: then no
    # signal comes, and this process is already someone else's child.
    if os.getppid() != _forking_pid:
        os.kill(os.getpid(), signal.SIGTERM)


def child_ends_with_this_process() -> Callable[[], None] | None:
    """A ``preexec_fn`` for ``subprocess.Popen``: the child is sent SIGTERM when this process dies.

    For a supervisor whose children run in sessions of their own (so that a
    terminal's Ctrl-C reaches only the supervisor): killed with SIGKILL, it
    would otherwise leave them serving headless. None where the platform
    cannot do it (not Linux). libc is loaded here, in the parent: the child
    only makes the call, between fork and exec.
    """
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    parent = os.getpid()

    def ask_for_sigterm() -> None:
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0 and os.getppid() != parent:
            # The parent died between the fork and the request: no signal would come.
            os.kill(os.getpid(), signal.SIGTERM)

    return ask_for_sigterm
