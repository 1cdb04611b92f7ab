"""``ingest_ifc``: a model as the next version of a BIM layer, through the vector loader.

The elements stream as a `gis.bim.source.IfcSource` through `gis.ingest.loader`'s atomic
load (staging, COPY, indexes, swap, version, published view) -- a BIM layer is a layer
like any other for access, versions, history, OGC API, MVT and downloads. What is BIM's
own: the layer's id field is GlobalId, its storage CRS defaults to the model's map CRS,
the version's report keeps the placement (`bim` in the stored quality JSON, with the
user's placement marked as such) and where the model's copy lies for `twin build bim`,
and each version's change set against the previous one is stored by GlobalId. The
geometry workers start as soon as the model is parsed (`gis.bim.workers`): the attributes,
the copy and the load's setup happen while they build the shapes. A big model is read in
parts, never parsed in this process (`gis.bim.parts`).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from gis import registry
from gis.bim.buildings import BuildingLink, link_buildings
from gis.bim.elements import ElementInfo
from gis.bim.footprint import FootprintUnion, keep_footprint
from gis.bim.georef import Placement, require_placement
from gis.bim.meshes import ElementMesh
from gis.bim.parts import PartedModel
from gis.bim.source import IfcSource
from gis.bim.spill import geometry_folder, spill_meshes
from gis.errors import GisError, IngestError
from gis.ingest.loader import LoadResult, Progress, _Load
from gis.ingest.quality import QualityTracker
from gis.ingest.sources import VectorSource, checksum
from gis.ingest.versioning import (
    as_ingest_error,
    digest_of,
    drop_leftovers,
    layer_lock,
    record_failure,
)
from gis.model import LayerSpec, LayerVersion, QualityIssue, VersionStats
from gis.refresh import MAX_IDS, ChangeSet, compute_change_set, store_change_set
from gis.schema import DATA_SCHEMA

log = logging.getLogger(__name__)

ID_FIELD = "GlobalId"


@dataclass(frozen=True)
class BimLoadResult:
    """A loaded model: the load, where it stands, what changed since the last version."""

    load: LoadResult
    placement: Placement
    schema: str
    elements: int
    triangles: int
    failed: list[str]
    change: ChangeSet | None
    #: the city's LOD1 buildings this version replaces (`gis.bim.buildings`)
    buildings: list[BuildingLink] = field(default_factory=list)


@dataclass(frozen=True)
class StoredModel:
    """What `twin build bim` needs of a layer's current version."""

    layer_id: str
    version: int
    model: Path
    placement: Placement
    parcels: list[str]  # recorded by `gis.bim.parcels.link_parcels`, largest overlap first


def bim_spec(spec: LayerSpec, placement: Placement) -> LayerSpec:
    """The declaration a BIM layer is loaded under: kind bim, GlobalId as id."""
    return spec.model_copy(update={"kind": "bim", "id_field": ID_FIELD,
                                   "storage_crs": spec.storage_crs or placement.crs})


def ingest_ifc(engine: Engine, spec: LayerSpec, path: Path | str, *, models_dir: Path,
               placement: Placement | None = None, threads: int = 2, strict: bool = False,
               progress: Progress | None = None) -> BimLoadResult:
    """Load the IFC model at ``path`` as the next version of the BIM layer ``spec.id``.

    ``placement`` (the planner's) overrides the file's georeferencing; a model with none and
    no placement is refused. A copy of the model is kept under ``models_dir`` (named by its
    SHA-256) for tile builds. The city buildings the placed model replaces are recorded with
    the version (`gis.bim.buildings`). Raises `IngestError` naming the file (and GlobalIds)."""
    path = Path(path)
    with PartedModel(path, models_dir, threads) as parted:
        return _ingest_parted(engine, spec, parted, models_dir=models_dir,
                              placement=placement, strict=strict, progress=progress)


def _ingest_parted(engine: Engine, spec: LayerSpec, elements: PartedModel, *,
                   models_dir: Path, placement: Placement | None, strict: bool,
                   progress: Progress | None) -> BimLoadResult:
    """`ingest_ifc` of a model opened (whole, or cut into parts)."""
    path, label = elements.path, elements.label
    chosen = require_placement(elements.placement, placement, label)
    elements.start()
    properties, left_out = elements.property_columns()
    spec = bim_spec(spec, chosen)
    failed: list[str] = []
    digest = checksum(path)
    kept = _keep_copy(path, digest, models_dir / spec.id)
    union = FootprintUnion()
    source = IfcSource(label=label, placement=chosen, elements=elements, properties=properties,
                       meshes=lambda: spill_meshes(elements.meshes(), elements,
                                                   geometry_folder(kept)),
                       on_missing=failed.extend, union=union)
    extra = {"placement": chosen.as_json(), "model": str(kept), "schema": elements.schema}
    with engine.connect() as conn:
        previous = registry.get_layer(conn, spec.id).current_version if _exists(
            conn, spec.id) else None
    try:
        result = _load(engine, spec, source, digest, extra,
                       _notes(chosen, left_out), strict, progress)
    except BaseException:
        union.close()
        raise
    footprint = union.result()
    keep_footprint(engine, spec.id, result.version,
                   footprint if _rows_as_computed(result, source) else None,
                   result.storage_srid, union.elements)
    change: ChangeSet | None
    if previous is None:
        change = first = _first_version(result, elements, failed)
        with engine.begin() as conn:
            store_change_set(conn, spec.id, first)
    else:
        change = _change_set(engine, spec.id, previous, result.version)
    return BimLoadResult(load=result, placement=chosen, schema=elements.schema,
                         elements=result.feature_count, triangles=source.triangle_count,
                         failed=failed, change=change, buildings=link_buildings(engine, spec.id))


def _rows_as_computed(result: LoadResult, source: IfcSource) -> bool:
    """Whether the stored rows are the footprints the source computed: none repaired or
    rejected by the loader, none reprojected (the union of reprojected rows differs from
    the reprojected union by rounding)."""
    return (result.feature_count == source.rows and result.quality.repaired == 0
            and result.storage_srid == source.placement.srid)


def _exists(conn: Any, layer_id: str) -> bool:
    return any(layer.id == layer_id for layer in registry.list_layers(conn, kinds=["bim"]))


def _notes(placement: Placement, left_out: int) -> list[QualityIssue]:
    """What the report must say of the placement and of properties kept only in JSONB."""
    notes = []
    if placement.approximate:
        notes.append(QualityIssue(
            code="approximate_georeferencing", action="kept", message=(
                "placed from IfcSite RefLatitude/RefLongitude/RefElevation and true north "
                f"({placement.crs}): approximate (metres); give a map conversion or "
                "--origin/--crs/--rotation for an exact placement")))
    if placement.method == "user":
        notes.append(QualityIssue(
            code="user_placement", action="kept", message=(
                f"placed by the user: origin {placement.eastings}, {placement.northings}, "
                f"{placement.height} in {placement.compound_crs}, rotation "
                f"{placement.rotation_degrees:.6f} deg; the file's georeferencing is ignored")))
    if left_out:
        notes.append(QualityIssue(
            code="properties_in_json_only", action="kept",
            message=f"{left_out} property names beyond the column limit are only in psets"))
    return notes


def _keep_copy(path: Path, digest: str, folder: Path) -> Path:
    """The model's copy tile builds read (content-addressed: a re-ingest of the same bytes
    reuses it)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{digest}.ifc"
    if not target.exists():
        partial = target.with_suffix(".partial")
        shutil.copyfile(path, partial)
        partial.replace(target)
    return target.resolve()


class _BimLoad(_Load):
    """The vector load with an IFC source and the model's record in the version's report."""

    source: VectorSource
    extra: dict[str, Any]

    def run(self, declared_crs: str | None, digest: Future[str] | None
            ) -> tuple[int, VersionStats]:
        return self._load(self.source, declared_crs, digest)

    def _stats(self, *args: Any) -> VersionStats:
        stats = super()._stats(*args)
        quality = dict(stats.quality or {}) | {"bim": self.extra}
        return VersionStats(**{**stats.__dict__, "quality": quality})


def _load(engine: Engine, spec: LayerSpec, source: IfcSource, digest: str,
          extra: dict[str, Any], notes: list[QualityIssue], strict: bool,
          progress: Progress | None) -> LoadResult:
    """`gis.ingest.loader.ingest_vector` with the IFC source (same lock, same records)."""
    started = time.monotonic()
    label = source.label
    with ThreadPoolExecutor(1) as done, engine.connect() as conn, \
            layer_lock(conn, spec.id, label):
        known = done.submit(lambda: digest)
        with conn.begin():
            layer = registry.register(conn, spec, spec.storage_crs or source.placement.crs)
            registry.abandon_stale_loads(conn, spec.id)
            drop_leftovers(conn, spec.id)
            load_id = registry.start_load(conn, spec.id, label, None)
        tracker = QualityTracker(label, strict)
        source.on_missing = _reporter(tracker, label, source.on_missing)
        job = _BimLoad(engine, conn, layer, load_id, Path(label), tracker, progress)
        job.source, job.extra = source, extra
        try:
            for note in notes:
                tracker.add(note)
            version, stats = job.run(None, known)
        except BaseException as exc:
            job.drop_staging()
            error = as_ingest_error(exc, label)
            record_failure(engine, load_id, error or exc, tracker.report, digest_of(known))
            if error is None:
                raise
            raise error from exc
    return LoadResult(
        layer_id=spec.id, load_id=load_id, version=version, table=f"{DATA_SCHEMA}.{spec.id}",
        storage_srid=layer.storage_srid, feature_count=stats.feature_count,
        geometry_type=stats.geometry_type, checksum=stats.checksum or "",
        quality=tracker.report, seconds=time.monotonic() - started)


def _reporter(tracker: QualityTracker, label: str, also: Any) -> Any:
    """Each element IfcOpenShell could not build a shape for: rejected, named by GlobalId."""
    def report(global_ids: list[str]) -> None:
        for global_id in global_ids:
            tracker.report.features_read += 1
            tracker.add(QualityIssue(
                code="geometry_failed", feature=f"GlobalId {global_id}",
                message=f"{label}: IfcOpenShell could not build this element's geometry; "
                        "the other elements are loaded"))
        also(global_ids)
    return report


def _first_version(result: LoadResult, elements: Mapping[str, ElementInfo], failed: list[str]
                   ) -> ChangeSet:
    """A layer's first version adds every loaded element: no comparison to run."""
    loaded = sorted(set(elements) - set(failed))
    return ChangeSet(version=result.version, previous_version=None, keyed_by=ID_FIELD,
                     added=result.feature_count, removed=0, changed=0,
                     added_ids=loaded[:MAX_IDS])


def _change_set(engine: Engine, layer_id: str, previous: int | None, version: int
                ) -> ChangeSet | None:
    """Elements added, removed and changed by GlobalId, stored beside the version."""
    try:
        with engine.begin() as conn:
            layer = registry.get_layer(conn, layer_id)
            change = compute_change_set(conn, layer, previous, version)
            store_change_set(conn, layer_id, change)
            return change
    except GisError as exc:
        log.warning("layer %s v%d: no change set: %s", layer_id, version, exc)
        return None


def stored_model(engine: Engine, layer_id: str) -> StoredModel:
    """The current version's model copy and placement (for `twin build bim`)."""
    with engine.connect() as conn:
        layer = registry.get_layer(conn, layer_id)
        versions: list[LayerVersion] = registry.history(conn, layer_id)
    current = next((v for v in versions if v.version == layer.current_version), None)
    record = (current.quality or {}).get("bim") if current is not None else None
    if layer.spec.kind != "bim" or current is None or current.version is None or not record:
        raise IngestError(layer_id, "not a loaded BIM layer: run `twin ingest ifc` first")
    model = Path(record["model"])
    if not model.is_file():
        raise IngestError(str(model), f"the model of {layer_id} v{current.version} is gone: "
                          "ingest the IFC file again")
    parcels = [str(p["parcel"]) for p in (record.get("parcels") or {}).get("parcels", [])]
    return StoredModel(layer_id=layer_id, version=current.version, model=model,
                       placement=Placement.from_json(record["placement"]), parcels=parcels)


def model_meshes(path: Path, threads: int) -> Iterator[tuple[ElementMesh, ElementInfo]]:
    """Each element's mesh and attributes from a model file (for tiles), read as the
    ingest reads it: a big model part by part."""
    with tempfile.TemporaryDirectory(prefix="bim-parts-") as work, \
            PartedModel(path, Path(work), threads) as parted:
        parted.start()
        for mesh in parted.meshes():
            info = parted.get(mesh.global_id)
            if info is not None:
                yield mesh, info
