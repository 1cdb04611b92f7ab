"""The collection ``sensors`` (Things with their latest values) against a baseline.

In one run, on one database (``--database-url``, else TWIN_DATABASE_URL or the private
cluster of ``twin db up``), migrated to head:

* ``--things`` Things (default 1,000), each on a Location with one Datastream, created
  through the store; ``--observations`` observations (default 5 million) generated
  server-side round-robin over their datastreams (`benchmarks/sensors.py`'s generator), and
  the same rows in a plain baseline table without any index;
* ours: the first page of 1,000 features -- ``GET /collections/sensors/items?limit=1000``
  through the app in-process, and the store read alone (`gis.sensors.latest.things_page`);
* baseline: the straightforward query, ``DISTINCT ON (datastream_id) ... ORDER BY
  datastream_id, phenomenon_time DESC`` over the unindexed table (the latest values only,
  without Things, locations or JSON).

Usage::

    python benchmarks/sensors_collection.py [--database-url URL] [--observations 5000000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from sensors import BASELINE, generate, median_ms
from sqlalchemy import Engine, text


def setup_things(engine: Engine, count: int) -> list[int]:
    """``count`` Things with a Location and one Datastream each; their datastream ids."""
    from gis.sensors.entities import SETS
    from gis.sensors.scope import SYSTEM
    from gis.sensors.write import Writer

    streams: list[int] = []
    with engine.begin() as conn:
        writer = Writer(conn, SYSTEM)
        for i in range(count):
            writer.create(SETS["Things"], {
                "name": f"bench-{os.getpid()}-{i}", "description": "benchmark",
                "Locations": [{"name": "here", "description": "", "encodingType":
                               "application/geo+json", "location": {
                                   "type": "Point",
                                   "coordinates": [4.6 + (i % 40) / 200, 50.8 + i / 8000]}}],
                "Datastreams": [{"name": f"pm10-{i}", "description": "", "observationType": "m",
                                 "unitOfMeasurement": {"symbol": "ug/m3"},
                                 "Sensor": {"name": "s", "description": "",
                                            "encodingType": "text/plain", "metadata": "-"},
                                 "ObservedProperty": {"name": "PM10", "definition": "urn:pm10",
                                                      "description": ""}}]})
        streams = [i for name, i in writer.created.entities if name == "Datastreams"]
    return streams


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("TWIN_DATABASE_URL"))
    parser.add_argument("--things", type=int, default=1000)
    parser.add_argument("--observations", type=int, default=5_000_000)
    parser.add_argument("--spacing", type=int, default=10)
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from gis.db import make_engine
    from gis.sensors import latest
    from gis.sensors.scope import SYSTEM
    from twin.app import create_app
    from twin.settings import Settings

    url = args.database_url or Settings().url
    engine = make_engine(url)
    streams = setup_things(engine, args.things)
    figures: dict[str, float] = {"things": args.things,
                                 "stored_observations": args.observations}
    figures |= generate(engine, streams, args.observations, args.spacing)

    with engine.connect() as conn:
        def store_read() -> None:
            page = latest.things_page(conn, SYSTEM, None, args.things, 0)
            assert sum(len(t.datastreams) for t in page.things) >= min(args.things, 1)

        def baseline() -> None:
            found = conn.execute(text(
                f"SELECT DISTINCT ON (datastream_id) datastream_id, phenomenon_time, result "  # noqa: S608
                f"FROM {BASELINE} WHERE datastream_id = ANY(:ids) "
                "ORDER BY datastream_id, phenomenon_time DESC"), {"ids": streams}).all()
            assert len(found) == len(streams)

        figures["store_page_ms"] = median_ms(store_read)
        figures["baseline_latest_ms"] = median_ms(baseline, 3)
    with tempfile.TemporaryDirectory() as work:
        settings = Settings(database_url=url, data_dir=Path(work), public_url="http://bench",
                            ogc_max_limit=max(10000, args.things))
        with TestClient(create_app(settings)) as client:
            def http_page() -> None:
                response = client.get("/collections/sensors/items",
                                      params={"limit": str(args.things), "f": "json"})
                assert response.status_code == 200, response.text

            figures["http_page_ms"] = median_ms(http_page)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {BASELINE}")
    figures["ratio_baseline_over_store_page"] = (figures["baseline_latest_ms"]
                                                 / figures["store_page_ms"])
    figures["ratio_baseline_over_http_page"] = (figures["baseline_latest_ms"]
                                                / figures["http_page_ms"])
    for key, value in figures.items():
        print(f"{key:36s} {value:14,.2f}")


if __name__ == "__main__":
    main()
