"""Shared setup of the city-model tests: the Delft block, lidarprod and Tenerife in PostGIS."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from gis.city.derive import HeightRun, heights_from_floors, heights_from_lidar
from gis.ingest import ingest_vector
from gis.lidar.crs import LidarCrs
from gis.lidar.ingest import ingest_lidar
from gis.model import LayerSpec

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
DELFT_PAND = DATA / "delft" / "bgt" / "bgt_pand.sqlite"
DELFT_ROADS = DATA / "delft" / "bgt" / "bgt_wegdeel.sqlite"
DELFT_LAZ = sorted((DATA / "delft").glob("ahn3_cropped_*.laz"))
LIDARPROD = DATA / "lidar_fr" / "lidarprod"
TENERIFE_CONS = DATA / "tenerife_es" / "cons.gpkg"
TENERIFE_PARCELS = DATA / "tenerife_es" / "parcel.gpkg"


def spec(layer_id: str, kind: str = "vector", access_level: str = "open") -> LayerSpec:
    return LayerSpec.model_validate({
        "id": layer_id, "kind": kind, "title": {"en": f"Test {layer_id}"},
        "producer": "tests", "contact_point": {"name": "t", "email": "t@example.org"},
        "licence": "CC0", "update_frequency": "IRREG", "access_level": access_level,
    })


def delft_buildings(engine: Engine, prefix: str, access_level: str = "open") -> HeightRun:
    """Footprints + AHN3 (RD New + NAP, not declared in the files) + heights."""
    ingest_vector(engine, spec(f"{prefix}_pand", access_level=access_level), DELFT_PAND,
                  default_storage_crs="EPSG:28992")
    ingest_lidar(engine, spec(f"{prefix}_ahn3", "lidar", access_level), DELFT_LAZ,
                 crs=LidarCrs(28992, 5709))
    return heights_from_lidar(engine, f"{prefix}_pand", f"{prefix}_ahn3")


def lidarprod_buildings(engine: Engine, prefix: str) -> HeightRun:
    polygons = next(LIDARPROD.glob("*.shp"))
    ingest_vector(engine, spec(f"{prefix}_cand"), polygons, default_storage_crs="EPSG:2154")
    ingest_lidar(engine, spec(f"{prefix}_hd", "lidar"), sorted(LIDARPROD.glob("*.laz")),
                 crs=LidarCrs(2154, 5720))
    return heights_from_lidar(engine, f"{prefix}_cand", f"{prefix}_hd")


def tenerife_buildings(engine: Engine, prefix: str) -> HeightRun:
    ingest_vector(engine, spec(f"{prefix}_cons"), TENERIFE_CONS,
                  default_storage_crs="EPSG:32628")
    return heights_from_floors(engine, f"{prefix}_cons", "numberOfFloorsAboveGround")
