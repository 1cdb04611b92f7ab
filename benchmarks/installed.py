"""``twin`` as a user installs it: a virtual environment of its own, without the test extra.

The development venv also holds the test tools, and ``ogctests`` brings geopandas and pandas
with it. pyogrio imports geopandas whenever it is installed, so in that venv every ``twin``
command pays 0.3 s for packages a user's install does not have: a quarter of the whole
command on a small file. The benchmarks time this environment instead. It is an editable
install of the working tree (so it always runs the code being measured), created once under
``benchmarks/out/`` and refreshed when ``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENV_DIR = REPO / "benchmarks" / "out" / "installed-venv"


def _fingerprint() -> str:
    return hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()


def installed_bin() -> Path:
    """The ``bin`` folder of the user-like environment, made or refreshed if needed."""
    stamp = ENV_DIR / "pyproject.sha256"
    if stamp.exists() and stamp.read_text() == _fingerprint():
        return ENV_DIR / "bin"
    print(f"installing twin (no extras) into {ENV_DIR} ...", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(ENV_DIR)
    python = ENV_DIR / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                   check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", str(REPO)],
                   check=True)
    stamp.write_text(_fingerprint())
    return ENV_DIR / "bin"


if __name__ == "__main__":
    print(installed_bin())
    sys.exit(0)
