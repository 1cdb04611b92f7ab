"""Storage options by reference (`tiles.engine.options`): what a cluster task carries pickles
as a token, reads the options registered in its process, and fails by name where none are;
local pools still get a plain copy (`gis.lidar.source.task_options`)."""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from gis.lidar.source import task_options
from tiles.engine.options import SharedOptions, forget, register, registered_tokens
from tiles.errors import EngineUnavailable

OPTIONS = {"endpoint_url": "http://s3.local", "key": "k", "secret": "very-secret"}


@pytest.fixture
def token() -> Iterator[str]:
    name = f"storage-options-{uuid.uuid4().hex}"
    register(name, OPTIONS)
    yield name
    forget(name)


def test_shared_options_pickle_as_their_token_and_read_the_registry(token: str) -> None:
    shared = SharedOptions(token)
    sent = pickle.dumps(shared)
    assert b"very-secret" not in sent
    assert "very-secret" not in repr(shared)
    assert dict(pickle.loads(sent)) == OPTIONS


def test_options_not_registered_here_are_named() -> None:
    with pytest.raises(EngineUnavailable, match="storage options storage-options-gone are not"):
        dict(SharedOptions("storage-options-gone"))


class Sharing:
    """An executor that shares options (the protocol `DaskExecutor` implements)."""

    def __init__(self) -> None:
        self.given: list[Mapping[str, Any]] = []

    def share_options(self, options: Mapping[str, Any]) -> Mapping[str, Any]:
        self.given.append(options)
        return SharedOptions("storage-options-x")


def test_task_options_share_on_a_cluster_and_copy_for_local_pools(token: str) -> None:
    sharing = Sharing()
    assert isinstance(task_options(OPTIONS, sharing), SharedOptions)
    assert sharing.given == [OPTIONS]
    assert task_options(None, sharing) == {}  # nothing to share: no registration
    with ThreadPoolExecutor(1) as pool:
        copy = task_options(OPTIONS, pool)
    assert copy == OPTIONS
    assert copy is not OPTIONS
    assert type(copy) is dict
    assert token in registered_tokens()
