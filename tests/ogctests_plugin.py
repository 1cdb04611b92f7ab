"""A pytest plugin for running ``ogctests`` (0.1.15) filtering tests against our server.

ogctests' test_ct2 parses the ``Link`` header itself, keeps the quotes around ``rel`` values
(RFC 8288 requires them for URI relation types) and reads a non-existent ``href`` member, so it
never stores the Queryables URI that test_ct3 and the filter tests need. This plugin stores
that URI, read from our real ``Link`` header with httpx's RFC 8288 parser, after ogctests
built its list of filterable resources; every assertion of the suite still runs unchanged.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: Any) -> Generator[None, Any, None]:
    outcome = yield
    if fixturedef.argname != "filterable_resources" or outcome.excinfo is not None:
        return
    client = request.getfixturevalue("http_client")
    for resource in outcome.get_result():
        links = client.get(resource["url"], headers={"Accept": "application/json"}).links
        if QUERYABLES_REL in links:
            resource["queryables_uri"] = links[QUERYABLES_REL]["url"]
