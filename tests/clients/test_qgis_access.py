"""QGIS 3.22 (headless) reads a shared layer with a partner's key sent as HTTP Basic.

QGIS's OAPIF provider can only send Basic credentials to an OGC API server: the key id as
user name and the secret as password, or any user name and the whole token as password.
Without credentials (or with a partner key of another group) the layer does not exist.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from access_support import make_cadastral_layer
from ogc_support import running_server
from sqlalchemy import Engine

from gis import access, anonymise

pytestmark = pytest.mark.clients
QGIS_PYTHON = "/usr/bin/python3"

SCRIPT = r"""
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False)
app.setPrefixPath("/usr", True)
app.initQgis()
base, typename, user, password = sys.argv[1:5]
uri = f"url='{base}/' typename='{typename}' pageSize='1000'"
if user or password:
    uri += f" username='{user}' password='{password}'"
layer = QgsVectorLayer(uri, "shared", "OAPIF")
result = {"valid": layer.isValid(), "count": -1, "fields": []}
if layer.isValid():
    result["count"] = sum(1 for _ in layer.getFeatures())
    result["fields"] = [f.name() for f in layer.fields()]
del layer
print("RESULT " + json.dumps(result))
app.exitQgis()
"""


def _qgis_available() -> bool:
    if not Path(QGIS_PYTHON).exists():
        return False
    probe = subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True,
                           check=False)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def qgis() -> str:
    if not _qgis_available():
        if os.environ.get("CI"):
            pytest.fail("QGIS (python3-qgis) is required in CI")
        pytest.skip("QGIS (python3-qgis) is not installed")
    return QGIS_PYTHON


def _read(qgis: str, base: str, typename: str, user: str, password: str,
          home: Path) -> dict[str, object]:
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_CACHE_HOME": str(home / "cache"), "XDG_DATA_HOME": str(home / "data"),
           "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([qgis, "-c", SCRIPT, base, typename, user, password],
                         capture_output=True, text=True, timeout=240, env=env, check=False)
    lines = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"QGIS gave no result: {run.stderr[-2000:]}"
    return dict(json.loads(lines[-1].removeprefix("RESULT ")))


def test_qgis_reads_a_shared_layer_only_with_partner_credentials(
    qgis: str, engine: Engine, database_url: str, tmp_path: Path,
) -> None:
    layer_id = f"qgis_shared_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        anonymise.set_pseudonym_secret(conn, "qgis-test-secret")
    make_cadastral_layer(engine, layer_id, "shared", ("notaries",), limit=40, folder=tmp_path)
    with engine.begin() as conn:
        _, notary = access.create_key(conn, "partner", ["notaries"], label="QGIS notary")
        _, police = access.create_key(conn, "partner", ["police"], label="QGIS police")
    key_id, secret = notary.split(".", 1)
    with running_server(database_url) as base:
        by_id = _read(qgis, base, layer_id, key_id, secret, tmp_path / "q1")
        by_token = _read(qgis, base, layer_id, "qgis-user", notary, tmp_path / "q2")
        anonymous = _read(qgis, base, layer_id, "", "", tmp_path / "q3")
        other = _read(qgis, base, layer_id, "x", police, tmp_path / "q4")
    for result in (by_id, by_token):
        assert result["valid"] is True
        assert result["count"] == 40
        fields = result["fields"]
        assert isinstance(fields, list)
        assert "owner_number" in fields  # the keyed pseudonym of a shared layer
        assert "owner_name" not in fields
    assert anonymous["valid"] is False
    assert other["valid"] is False
    shutil.rmtree(tmp_path / "q1", ignore_errors=True)
