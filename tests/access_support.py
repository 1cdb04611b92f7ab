"""Test data for access levels and anonymisation: a cadastral layer with personal fields.

The parcels are real (GRB Leuven, data/leuven_be); owner names, national numbers, prices and
birth dates are synthetic and recognisable, so a test can grep every output for them. It is
loaded by the real vector ingest from a GeoPackage written on the fly.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pyogrio
from sqlalchemy import Engine

from gis import registry
from gis.model import Layer, LayerSpec

PARCELS = Path(__file__).resolve().parent.parent / "data" / "leuven_be" / (
    "leuven_grb_adp_capakey_408.geojson")
FIRST = ["Anneleen", "Bart", "Claire", "Dirk", "Els", "Frans", "Griet", "Hugo"]
LAST = ["Vermeulenx", "Peetersx", "Janssensx", "Maesx", "Jacobsx", "Willemsx", "Claesx"]
CADASTRE_RULES: dict[str, dict[str, Any]] = {
    "owner_name": {"rule": "drop"},
    "owner_number": {"rule": "hash"},
    "price": {"rule": "generalise", "params": {"classes": [100000, 200000, 300000, 400000]}},
    "birthdate": {"rule": "generalise", "params": {"to": "year"}},
    "buyer_town": {"rule": "suppress", "params": {"min_count": 5}},
}


def owner_name(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}{i:03d}"


def owner_number(i: int) -> str:
    return f"85.{(i * 37) % 100:02d}.{(i * 11) % 100:02d}-{700 + i}.{i % 97:02d}"


def price(i: int) -> float:
    return float(95_000 + (i * 7919) % 410_000) + 0.37


def birth_day(i: int) -> str:
    return date(1940 + i % 60, 1 + i % 12, 1 + i % 28).isoformat()


def buyer_town(i: int) -> str:
    return "Leuven" if i % 3 else ("Heverlee" if i % 2 else f"Zzrare{i}")


def spec(layer_id: str, access_level: str = "open", shared_with: tuple[str, ...] = (),
         rules: dict[str, dict[str, Any]] | None = None) -> LayerSpec:
    return LayerSpec.model_validate({
        "id": layer_id, "title": {"en": f"Cadastral parcels {layer_id}", "nl": "Percelen"},
        "description": {"en": "Parcels with owners (synthetic) for access tests."},
        "theme": ["REGI"], "keywords": ["cadastre", "parcels"], "producer": "Service SIG",
        "contact_point": {"name": "Service SIG", "email": "sig@commune.example.be"},
        "licence": "CC_BY_4_0", "access_level": access_level, "shared_with": list(shared_with),
        "update_frequency": "MONTHLY",
        "personal_fields": CADASTRE_RULES if rules is None else rules,
    })


def write_cadastral_source(target: Path, limit: int | None = 60) -> Path:
    """A GeoPackage of real parcels with synthetic personal columns (what a cadastre sends)."""
    import numpy as np

    _, _, wkb, fields = pyogrio.raw.read(PARCELS, max_features=limit)
    count = len(wkb)
    columns = {
        "capakey": np.array([str(v) for v in fields[1]], dtype=object),
        "owner_name": np.array([owner_name(i) for i in range(count)], dtype=object),
        "owner_number": np.array([owner_number(i) for i in range(count)], dtype=object),
        "price": np.array([price(i) for i in range(count)], dtype=np.float64),
        "birthdate": np.array([date(1940 + i % 60, 1 + i % 12, 1 + i % 28)
                               for i in range(count)], dtype="datetime64[D]"),
        "buyer_town": np.array([buyer_town(i) for i in range(count)], dtype=object),
    }
    pyogrio.raw.write(target, geometry=wkb, field_data=list(columns.values()),
                      fields=list(columns), geometry_type="MultiPolygon", crs="EPSG:31370",
                      driver="GPKG", layer="parcels")
    return target


def make_cadastral_layer(engine: Engine, layer_id: str, access_level: str = "open",
                         shared_with: tuple[str, ...] = (), limit: int | None = 60,
                         rules: dict[str, dict[str, Any]] | None = None,
                         folder: Path | None = None) -> Layer:
    """Load the cadastral test layer with the real vector ingest; returns the registry's layer."""
    from gis.ingest.loader import ingest_vector

    folder = folder or Path(tempfile.mkdtemp(prefix="cadastre-"))
    source = write_cadastral_source(folder / f"{layer_id}.gpkg", limit)
    ingest_vector(engine, spec(layer_id, access_level, shared_with, rules), source,
                  default_storage_crs="EPSG:31370")
    with engine.connect() as conn:
        return registry.get_layer(conn, layer_id)
