"""Helpers of the BIM tests: the sample models, a loaded BIM layer, small broken files."""

from __future__ import annotations

import faulthandler
import os
import signal
from pathlib import Path
from typing import Any

from ingest_support import spec
from sqlalchemy import Engine

import gis.bim.meshes
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


def crashing_iterator(kernels_to_crash: tuple[str, ...], after: int) -> Any:
    """`started_iterator` whose iterator, in a worker process, dies of SIGSEGV at its
    ``after``-th shape on the kernels named (a native crash, as IfcOpenShell's can be)."""
    real = gis.bim.meshes.started_iterator
    parent = os.getpid()

    class Crashing:
        def __init__(self, iterator: Any) -> None:
            self.iterator, self.drawn = iterator, 0

        def get(self) -> Any:
            self.drawn += 1
            if self.drawn == after and os.getpid() != parent:
                faulthandler.disable()  # pytest's would print the worker's stack
                os.kill(os.getpid(), signal.SIGSEGV)
            return self.iterator.get()

        def next(self) -> Any:
            return self.iterator.next()

    def started(model: Any, products: list[Any], threads: int, kernel: str) -> Any:
        iterator = real(model, products, threads, kernel)
        return Crashing(iterator) if iterator is not None and kernel in kernels_to_crash \
            else iterator

    return started
