"""The portal's server time with 1,000 datasets registered (target: median < 50 ms).

Creates a throwaway database in the bench cluster (``var/bench-postgres``), migrates it,
registers 1,000 generated declarations (titles and descriptions in French, Dutch and English,
themes, producers, licences, frequencies, some usage) plus the real Leuven parcels loaded by
the vector ingest, and times home, search (full text, facets, sorts) and dataset pages in
process (the app's own time, no network), after one warm-up request each. The baseline is
the product's previous HTML page, ``/catalog.html`` (a bare list of the same datasets).
Prints medians, 90th percentiles and the ratio to the target. A benchmark, never a test.

    python benchmarks/portal.py [--datasets 1000] [--rounds 30]
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gis import migrate, registry  # noqa: E402
from gis.anonymise import refresh_published_view  # noqa: E402
from gis.cluster import Cluster  # noqa: E402
from gis.db import make_engine  # noqa: E402
from gis.ingest.loader import ingest_vector  # noqa: E402
from gis.model import LayerSpec  # noqa: E402
from gis.portal.usage import Usage, add_counts  # noqa: E402
from gis.vocab import DATA_THEMES, FREQUENCY_DAYS, LICENCES  # noqa: E402
from twin.app import create_app  # noqa: E402
from twin.settings import Settings  # noqa: E402

console = Console()
DATABASE = "twin_bench_portal"
PARCELS = REPO / "data" / "leuven_be" / "leuven_grb_adp_parcels_321.geojson"
TARGET_MS = 50.0
SUBJECTS = [("Bâtiments", "Gebouwen", "Buildings"), ("Routes", "Wegen", "Roads"),
            ("Arbres", "Bomen", "Trees"), ("Écoles", "Scholen", "Schools"),
            ("Égouts", "Riolering", "Sewers"), ("Parkings", "Parkeerplaatsen", "Car parks"),
            ("Éclairage public", "Openbare verlichting", "Street lights"),
            ("Zones inondables", "Overstromingsgebieden", "Flood zones")]
ACCESS = ["open"] * 8 + ["shared", "closed"]  # a tenth shared, a tenth closed
PRODUCERS = ["Service urbanisme", "Service travaux", "Cellule environnement", "SPW", "AGIV"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url() -> tuple[Cluster, str]:
    root = REPO / "var" / "bench-postgres"
    port = Cluster(root=root, port=0).running_port() or free_port()
    cluster = Cluster(root=root, port=port)
    cluster.up()
    cluster.drop_database(DATABASE)
    return cluster, cluster.create_database(DATABASE)


def generated_spec(i: int, rng: random.Random) -> LayerSpec:
    fr, nl, en = rng.choice(SUBJECTS)
    district = f"{i:04d}"
    return LayerSpec.model_validate({
        "id": f"bench_{i:04d}", "kind": rng.choice(["vector"] * 6 + ["lidar", "raster"]),
        "title": {"fr": f"{fr} du quartier {district}", "nl": f"{nl} van wijk {district}",
                  "en": f"{en} of district {district}"},
        "description": {"fr": f"Inventaire des {fr.lower()} tenu par la commune.",
                        "nl": f"Inventaris van de {nl.lower()} van de gemeente.",
                        "en": f"The commune's inventory of {en.lower()}."},
        "theme": rng.sample(sorted(DATA_THEMES), 2), "keywords": [en.lower(), "bench"],
        "producer": rng.choice(PRODUCERS),
        "contact_point": {"name": "GIS", "email": "gis@example.org"},
        "licence": rng.choice(sorted(LICENCES - {"PROPRIETARY_LICENCE"})),
        "update_frequency": rng.choice(sorted(FREQUENCY_DAYS)),
        "access_level": ACCESS[i % 10], "shared_with": ["partners"] if i % 10 == 8 else [],
    })


def populate(url: str, count: int) -> str:
    engine = make_engine(url)
    migrate.upgrade(engine)
    rng = random.Random(18)
    with engine.begin() as conn:
        for i in range(count - 1):
            registry.register(conn, generated_spec(i, rng), "EPSG:31370")
    parcels = LayerSpec.model_validate({
        "id": "bench_parcels", "title": {"fr": "Parcelles cadastrales", "nl": "Kadastrale "
                                         "percelen", "en": "Cadastral parcels"},
        "description": {"nl": "Percelen van Leuven (GRB)"}, "theme": ["REGI"],
        "producer": "AGIV", "contact_point": {"name": "GIS", "email": "gis@example.org"},
        "licence": "CC_BY_4_0", "update_frequency": "ANNUAL"})
    ingest_vector(engine, parcels, PARCELS, default_storage_crs="EPSG:31370")
    with engine.begin() as conn:
        refresh_published_view(conn, registry.get_layer(conn, "bench_parcels"))
        today = datetime.now(UTC).date()
        add_counts(conn, {(f"bench_{i:04d}", today - timedelta(days=i % 300)):
                          Usage(rng.randint(0, 50), rng.randint(0, 500))
                          for i in range(0, count - 1, 3)})
    engine.dispose()
    return "bench_parcels"


def timed(client: TestClient, path: str, rounds: int) -> list[float]:
    assert client.get(path).status_code == 200, path  # warm-up (caches, index)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=30)
    options = parser.parse_args()
    cluster, url = database_url()
    try:
        started = time.perf_counter()
        parcels = populate(url, options.datasets)
        console.print(f"{options.datasets} datasets registered in "
                      f"{time.perf_counter() - started:.1f} s")
        settings = Settings(database_url=url, config_dir=REPO / "config",
                            public_url="http://bench", data_dir=REPO / "var" / "bench-portal")
        pages = {
            "home": "/portal/?lang=fr",
            "search 'perceel'": "/portal/search?q=perceel&lang=nl",
            "search 'batiments' + theme": "/portal/search?q=batiments&theme=REGI&lang=fr",
            "browse, sort by popularity": "/portal/search?sort=popular&lang=en",
            "dataset (parcels, loaded)": f"/portal/datasets/{parcels}?lang=nl",
            "dataset (declared only)": "/portal/datasets/bench_0001?lang=fr",
            "baseline: /catalog.html": "/catalog.html",
        }
        with TestClient(create_app(settings)) as client:
            results = {name: timed(client, path, options.rounds)
                       for name, path in pages.items()}
        table = Table(title=f"Portal server time, {options.datasets} datasets, "
                      f"{options.rounds} rounds (ms)")
        for column in ("page", "median", "p90", f"median / {TARGET_MS:.0f} ms target",
                       "median / baseline"):
            table.add_column(column)
        baseline = statistics.median(results["baseline: /catalog.html"])
        for name, times in results.items():
            median = statistics.median(times)
            p90 = statistics.quantiles(times, n=10)[-1]
            table.add_row(name, f"{median:.1f}", f"{p90:.1f}", f"{median / TARGET_MS:.2f}",
                          f"{median / baseline:.2f}")
        console.print(table)
    finally:
        cluster.drop_database(DATABASE)


if __name__ == "__main__":
    main()
