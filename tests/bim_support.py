"""Helpers of the BIM tests: the sample models, a loaded BIM layer, small broken files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest_support import spec
from sqlalchemy import Engine

from gis.bim.georef import Placement
from gis.bim.store import BimLoadResult, ingest_ifc

IFC = Path(__file__).resolve().parent.parent / "data" / "ifc"
DUPLEX = IFC / "duplex_a_ifc2x3_epset_georef.ifc"
OPENHOUSE = IFC / "ifcopenhouse_ifc4_nogeoref.ifc"
BRIDGE = IFC / "vanbrienenoordbrug_ifc4x3_mapconversion_epsg28992.ifc"
#: the Duplex's ePSet_MapConversion, read by eye from the file (#39116 ...)
DUPLEX_EASTINGS, DUPLEX_NORTHINGS, DUPLEX_HEIGHT = 76670.0, 77179.0, 293.700012207031
DUPLEX_AXIS = (0.325568154457152, 0.945518575599318)


def load_ifc(engine: Engine, layer_id: str, path: Path, tmp: Path,
             placement: Placement | None = None, **overrides: Any) -> BimLoadResult:
    overrides.setdefault("access_level", "open")
    return ingest_ifc(engine, spec(layer_id, kind="bim", **overrides), path,
                      models_dir=tmp / "models", placement=placement)
