"""`gis.bim.apart`: work in a forked child, its result back in order, its failure named."""

from __future__ import annotations

import os
import signal

import pytest

from gis.bim.apart import apart
from gis.errors import IngestError


def _square_elsewhere(value: int) -> tuple[int, bool]:
    return value * value, os.getpid() != PARENT


def _fails(reason: str) -> None:
    if reason == "ingest":
        raise IngestError("model.ifc", "a part cannot be read")
    raise ValueError("something else")


def _dies() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


PARENT = os.getpid()


def test_results_come_back_in_order_from_other_processes() -> None:
    assert apart(_square_elsewhere, [(n,) for n in range(5)], "model.ifc", 2) == [
        (n * n, True) for n in range(5)]


def test_a_failure_in_a_child_is_raised_naming_the_model() -> None:
    with pytest.raises(IngestError, match=r"model\.ifc.*a part cannot be read"):
        apart(_fails, [("ingest",)], "model.ifc", 1)
    with pytest.raises(IngestError, match=r"model\.ifc.*ValueError: something else"):
        apart(_fails, [("other",)], "model.ifc", 1)


def test_a_child_that_dies_is_named_with_its_exit_code() -> None:
    with pytest.raises(IngestError, match=r"model\.ifc.*ended without a word \(exit code -9"):
        apart(_dies, [()], "model.ifc", 1)
