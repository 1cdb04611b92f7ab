"""Tile digests of the working tree against those of another commit, on the same inputs.

`tests/unit/test_tiles_identical.py` holds digests recorded once; this script is how they
were checked against the code before the 3D Tiles core (commit 7e28cb7), and how a later
refactoring can be checked against any commit: the commit's tree is exported with
``git archive`` into a temporary folder (the working tree and index are not touched), the
builds of `tests/tile_digests.py` run once with that code and once with the working tree,
each in a fresh interpreter, and every file's SHA-256 is compared. Run by hand:

    .venv/bin/python benchmarks/tile_digests_at.py [COMMIT]    # default: HEAD
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: Runs `tests/tile_digests.py` with whatever `tiles` is first on the path. Code from before
#: `build_tileset(version=...)` stamped the build time: its clock formatter is pinned instead.
RUNNER = """
import inspect, json, sys, time, types
from pathlib import Path
sys.path.insert(0, sys.argv[2])
import tiles.buildings.build as bb
import tile_digests
assert Path(bb.__file__).resolve().is_relative_to(Path.cwd().resolve()), bb.__file__
if "version" not in inspect.signature(bb.build_tileset).parameters:
    bb.time = types.SimpleNamespace(perf_counter=time.perf_counter, gmtime=time.gmtime,
                                    strftime=lambda *args: "digest")
    old = bb.build_tileset
    tile_digests.build_tileset = lambda b, target, version=None, **kw: old(b, target, **kw)
if __name__ == "__main__":
    print(json.dumps(tile_digests.build_both(Path(sys.argv[1]))))
"""


def export(commit: str, folder: Path) -> None:
    """The commit's tree (its `gis` and `tiles`) into ``folder``, without a checkout."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "gis", "tiles"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)


def build_digests(code: Path, out: Path, runner: Path) -> dict[str, dict[str, str]]:
    """Digests of both products built with the packages under ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, str(runner), str(out), str(REPO / "tests")],
                          cwd=code, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"build with {code} failed:\n{done.stderr}")
    result: dict[str, dict[str, str]] = json.loads(done.stdout)
    return result


def differences(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]
                ) -> list[str]:
    """One line per product file that is missing, new or different."""
    lines = []
    for product in sorted(set(before) | set(after)):
        old, new = before.get(product, {}), after.get(product, {})
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                lines.append(f"{product}/{name}: {old.get(name)} -> {new.get(name)}")
    return lines


def main(commit: str) -> int:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        (root / "code").mkdir()
        export(commit, root / "code")
        runner = root / "runner.py"
        runner.write_text(RUNNER)
        before = build_digests(root / "code", root / "before", runner)
        after = build_digests(REPO, root / "after", runner)
    changed = differences(before, after)
    files = sum(len(v) for v in after.values())
    print("\n".join(changed) if changed else f"identical: {files} files ({commit} vs tree)")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "HEAD"))
