"""Run a slow pure function (a model backend) in a forked worker while the caller goes on.

datamodel-code-generator is most of the time sdkgen takes on a big spec, and it needs nothing
but the IR: on a machine with a spare core it runs in a child process while this one renders
the templates (of this target and of the others). The result is the same string either way;
only where it is computed changes.

A worker is used only where ``fork`` is safe and cheap: Linux, more than one core, and no other
thread running (forking a threaded process can deadlock the child). Anywhere else, and when
the worker fails for any reason, the function runs here, at :meth:`Pending.result`, so its
errors surface exactly as they would without workers.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_running: set[Pending[Any]] = set()


def _spare_workers() -> int:
    return (os.cpu_count() or 1) - 1 - len(_running)


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


class Pending(Generic[T]):
    """``function(*args)``, being computed in a worker or (lazily) here."""

    def __init__(self, function: Callable[..., T], *args: Any) -> None:
        self._function, self._args = function, args
        self._process: Any = None
        self._receive: Connection | None = None
        if _spare_workers() > 0 and _can_fork():
            context = multiprocessing.get_context("fork")
            self._receive, send = context.Pipe(duplex=False)
            self._process = context.Process(target=_work, args=(send, function, args), daemon=True)
            self._process.start()
            send.close()
            _running.add(self)

    def result(self) -> T:
        if self._receive is not None:
            try:
                ok, value = self._receive.recv()
            except (EOFError, OSError):
                ok, value = False, None
            finally:
                self._stop()
            if ok:
                return value  # type: ignore[no-any-return]
        return self._function(*self._args)

    def cancel(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
        self._stop()

    def _stop(self) -> None:
        if self._receive is not None:
            self._receive.close()
            self._receive = None
        if self._process is not None:
            self._process.join()
            self._process = None
        _running.discard(self)


def _work(send: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        value = function(*args)
    except BaseException:  # the caller runs the function itself and gets the error there
        send.send((False, None))
    else:
        send.send((True, value))
    finally:
        send.close()
