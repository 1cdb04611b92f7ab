"""Byte-identical 3D Tiles across refactorings of the core (`tiles.core`).

The digests below were recorded with the products' own GLB and tileset writers, before
`tiles.core` replaced them (commit 7e28cb7; the buildings' ``tilesetVersion`` fixed to
"digest" instead of the build time): LoD1 buildings with a property table, a point cloud
without colour (AHN3, NAP heights) and one with 16-bit colour (IGN LiDAR HD, IGN69 heights).
Any change of a byte of a content or tileset.json fails here. A deliberate change of the
outputs re-records them with ``python tests/tile_digests.py FOLDER``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "tile_digests.py"

RECORDED = {
    "buildings": {
        "content/1/0_0.glb":
            "f98135ad0e6c919b8eee207c6120be7a7a0ffde29c1b098fa2ad8010ea97c28e",
        "content/1/0_1.glb":
            "c875adcd743c60b9f9d01aae5a0377887a4c737c803e4bdd4151f06b2293ee0f",
        "content/1/1_0.glb":
            "5ec3797d9b6fc92ee3b422f7c6bdcf06f19beb39b5947f7d37f0c48f0faa0a2b",
        "content/1/1_1.glb":
            "4c4364be9996c19c6eb91aa3912139f912402983d31d1d5539f01ac514a87bb1",
        "tileset.json":
            "9654f05ae15157daefcf428caffda2847a4d2f79e688b65563a7b4f02d86c58a",
    },
    "pointcloud": {
        "content/r.glb":
            "05cc1ce9aae692880bac8cf966fa2849e4ad3393c68d2a7b3c127b72c527523a",
        "content/r0.glb":
            "112d00711ffcc1e5cf5245a5e67e865f86373b4156d821fe0a31c9a9bd4459d0",
        "content/r00.glb":
            "e5e633034b2c584db248193d7ec357b670394f3cd109d54348e8a3981345d78b",
        "content/r000.glb":
            "6ba48214b43b027de7bd1776776bfdaaec6a4e09fd4e8c7f2252f883ce9d105d",
        "content/r001.glb":
            "e8c074e64db6671e0c57ac2de70e9f2fc5cc1e4db2f68668d1666a80ebb3cbe8",
        "content/r002.glb":
            "abcb4c219d82a76db8fa23faf00b8aac6b649ea90ff19400cc4048947341ae3b",
        "content/r003.glb":
            "26457ee53601c32b54e7aa8936f9ed7f13ae2be5c28f961967905d0fd73e02c5",
        "content/r01.glb":
            "f383e0c0e7edbadcf0c19aa46822ca751e39c655f9b54ea43abbe1309b53aeba",
        "content/r02.glb":
            "7167468b6fa249413144130524b5e0294148605bfc4adf53b7d5d0f68e56ea95",
        "content/r03.glb":
            "bd788e3d217213a1960ae3b6915849b423d6fac2074d1c6831b0f131758513a7",
        "content/r2.glb":
            "0cea9198e0e9ec64f24bf80c3324409d1b1cfaf936e5c8fd4782a17d0bcf014e",
        "content/r20.glb":
            "5bf99ab84e116ef06ad71bd28a839d1b5c3db738624ae583582746e47309b0a1",
        "content/r21.glb":
            "a5b2ae2993974f8f8eea533d9f19609b2344ee9c443774bb6c62cb6cdd5b7ac4",
        "content/r22.glb":
            "10466a6fb15a352b62741d9fbce027360ebe4982fb90350e49f3707a0b5938d5",
        "content/r23.glb":
            "cdaeca344cda8d865d63abb80fa0571988a5f7d227fe9f1467aac5e72f64fa9c",
        "tileset.json":
            "841da18cbd73c00bbb36fb58212a4a6cb27f2a3cdf82e0a817a7127a1b5e0276",
    },
    "pointcloud_colour": {
        "content/r.glb":
            "aee1c8c41261bbec85947b4cf5e5a51a4c2349df5c0e63e6df8f0eabff39dc9f",
        "content/r0.glb":
            "14048e4e3677e6debd138a21b2e96a0871f9228e9cdbda53e7bfecf67c772ac1",
        "content/r1.glb":
            "1f3d92b2e0d510526e01a8299c315d45bc1411048e463b54066e62fddd6e8d28",
        "content/r2.glb":
            "0a85239105088bd4b59d8afc837075708c3fd50f58050fc5309a8b750d8c216c",
        "content/r3.glb":
            "12974ceae7f5ad82e42f35822fc1842254cb89169396a939f3c92f1a803e21c2",
        "tileset.json":
            "b98fa361d3aa54afb044a85e2ad70cb185210e1965de2440b6ed96c89af25456",
    },
}


def test_building_and_point_cloud_tiles_are_byte_identical(tmp_path: Path) -> None:
    # a fresh interpreter: a test-only library (cjio) patches the json module's float
    # encoder process-wide, which would change the digests of every later build here
    done = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    built = json.loads(done.stdout)
    for product, digests in RECORDED.items():
        assert built[product] == digests, product
