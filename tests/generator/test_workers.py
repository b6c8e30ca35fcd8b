"""generator/workers.py: a function run in a forked worker gives what it gives in-process."""

from __future__ import annotations

import os

import pytest

from generator import workers
from generator.workers import Pending


def pid_and(value: str) -> tuple[int, str]:
    return os.getpid(), value * 2


def fails(message: str) -> str:
    raise ValueError(message)


@pytest.fixture
def spare_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "_spare_workers", lambda: 1)
    monkeypatch.setattr(workers, "_can_fork", lambda: workers.sys.platform.startswith("linux"))


def test_the_result_is_the_functions(spare_core: None) -> None:
    pid, value = Pending(pid_and, "ab").result()
    assert value == "abab"
    if workers.sys.platform.startswith("linux"):
        assert pid != os.getpid()  # computed in the worker
    assert not workers._running


def test_an_error_in_the_worker_is_raised_here_as_it_would_be(spare_core: None) -> None:
    with pytest.raises(ValueError, match="no such thing"):
        Pending(fails, "no such thing").result()
    assert not workers._running


def test_without_a_spare_core_it_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "_spare_workers", lambda: 0)
    pid, value = Pending(pid_and, "x").result()
    assert (pid, value) == (os.getpid(), "xx")


def test_a_cancelled_worker_is_gone(spare_core: None) -> None:
    pending = Pending(pid_and, "x")
    pending.cancel()
    assert not workers._running
