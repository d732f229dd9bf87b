"""Writers racing each other: threads released together, each in its own app context."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask

from eventsys.database import write_intent
from eventsys.errors import Conflict
from eventsys.extensions import db


def race(
    app: Flask,
    workers: int,
    job: Callable[[int, threading.Barrier], None],
    *,
    done: str = "saved",
    refused: type[Exception] = Conflict,
    refusal: Callable[[Exception], str] = lambda error: f"conflict: {error}",
) -> dict[int, str]:
    """Run job(index, barrier) in *workers* threads (the job waits at the barrier once it has
    read what it needs) and commit after it. Each thread's outcome by index: *done*,
    refusal(error) when the write was refused with *refused*, or "error: …" for anything else."""
    barrier = threading.Barrier(workers)
    outcomes: dict[int, str] = {}
    lock = threading.Lock()

    def run(index: int) -> None:
        write_intent.set(True)
        with app.app_context():
            try:
                job(index, barrier)
                db.session.commit()
                result = done
            except refused as error:
                db.session.rollback()
                result = refusal(error)
            except Exception as error:
                db.session.rollback()
                result = f"error: {type(error).__name__}: {error}"
        with lock:
            outcomes[index] = result

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def in_threads(target: Callable[[], None], count: int) -> None:
    """Run *target* in *count* threads at once and wait for them all."""
    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
