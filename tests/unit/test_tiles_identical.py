"""Byte-identical 3D Tiles across refactorings of the core (`tiles.core`).

The digests below were recorded with the products' own GLB and tileset writers, before
`tiles.core` replaced them (commit 7e28cb7; the buildings' ``tilesetVersion`` fixed to
"digest" instead of the build time): LoD1 buildings with a property table, a point cloud
without colour (AHN3, NAP heights) and one with 16-bit colour (IGN LiDAR HD, IGN69 heights).
Any change of a byte of a content or tileset.json fails here. A deliberate change of the
outputs re-records them with ``python tests/tile_digests.py FOLDER``.

The point-cloud contents were re-recorded when the tiles gained the return number and number
of returns (issue 16, item 4): both files count points by return in their headers, so their
glbs now carry `_RETURN_NUMBER` and `_NUMBER_OF_RETURNS` (stride 16/20 instead of 8/12, the
``pointcloud_returns`` schema). Nothing else moved: the tileset.json digests are unchanged,
and the same sources built with ``returns=False`` gave exactly the digests recorded before.
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
            "411adda840f7f82e2da4009a2742e73fa60eb56e3927dcb3ecc639ba47e69043",
        "content/r0.glb":
            "ea32053cf05f280c8ff8708da50eee3532a553cdcb19766ed4e53fceed0aa70b",
        "content/r00.glb":
            "c7df6df78001c9d9a2b44efe4da75d4dcee52225ef248914d948e8d4b11e5b6b",
        "content/r000.glb":
            "d2c3ceb07ee72cec8123cd480402404fcff6746e7fde617a70683a77e77f0205",
        "content/r001.glb":
            "f8b8c35ac4f364e942d3aed8d14eb196c3c7ce4392a5fc61335670ed2a37a713",
        "content/r002.glb":
            "0f29a90aa9be86e40d0af0a2c7f958ccf0fe2118a39debbb6bdad9a2f87fc62e",
        "content/r003.glb":
            "6c436ba8db5665b6a14e3e8fdbe64fc3058fc0a1bb8bcb76fe518a465d8cea9b",
        "content/r01.glb":
            "c27ae65e48adf678e1d0ad3134ff553344db41911aee6a2751d290677e3b4a56",
        "content/r02.glb":
            "131fb4b69aa42f89be53763749d75dc7af87f46c5425d88a5632bdf883aee32e",
        "content/r03.glb":
            "4a867ee25ff1d0412fad5e5fef6cb827a30419eeee465acf31b0ef679ee1fa7a",
        "content/r2.glb":
            "ec4b3f11d6ca915cece84fa780fc34537467bd81ddd2e9c9277042702131fb38",
        "content/r20.glb":
            "17a6426f6e806c1c57cd7ea66c46315a936416326e88c98a83acaf10ba653221",
        "content/r21.glb":
            "46e3f9b2f789bc0b731358e4a59faf1b2657a7c562ba064edadc1228165ec872",
        "content/r22.glb":
            "e7642726f6c9fd911ee296132de6cd8a37a3ee5fd4fb8536ad73876ae4cb843e",
        "content/r23.glb":
            "d4540c51ed411e53a732e95f1df5f79851eeb08eaa9189c0c48178f1ad22e197",
        "tileset.json":
            "841da18cbd73c00bbb36fb58212a4a6cb27f2a3cdf82e0a817a7127a1b5e0276",
    },
    "pointcloud_colour": {
        "content/r.glb":
            "7cece8a7679bf8b08605805f48d91ae3bdc35cc75445f9246b5b7d40bcaa8fed",
        "content/r0.glb":
            "d011468bbfaf8fcebf84cd6c3c3eefece787af6f317f9e4b664f1483d1366f98",
        "content/r1.glb":
            "10f7c0333e0bf9f9cb53ae35f7f03b09d79e23225942428c76015a0c6eb4b446",
        "content/r2.glb":
            "2da99219c20fb3ab074c05d3aea7ac26f372bae2e2f765bfd8bd7f5667103ba7",
        "content/r3.glb":
            "1c4c034ce475513358d311d7afd1a3269de763e5a017349ba240aab9eb6b65fc",
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
