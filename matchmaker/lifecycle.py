"""Process-wide "please stop" flag for long-running commands (the scheduler, ``outbox drain``).

SIGTERM or SIGINT sets it; long jobs check it between steps and return early, so a stop never
waits long and never cuts a step in half (the outbox makes a cut harmless anyway).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("matchmaker")

STOP = threading.Event()


@contextmanager
def stop_on_signals(on_stop: Callable[[], None] | None = None) -> Iterator[threading.Event]:
    """Within the block, SIGTERM/SIGINT set :data:`STOP` (and call ``on_stop`` once)."""
    STOP.clear()

    def request_stop(signum, frame):
        if STOP.is_set():
            return
        log.info("Stopping (%s); finishing the current step", signal.Signals(signum).name)
        STOP.set()
        if on_stop is not None:
            on_stop()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield STOP
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
