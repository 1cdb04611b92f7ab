"""One Arrow batch of source features -> checked, reprojected binary COPY rows.

Three stages: `BatchProcessor.prepare` (checks and repairs; sequential, it keeps the state a
streamed load needs across batches: the next feature number, the layer's geometry type,
which may widen from Polygon to MultiPolygon, and the quality tracker), `project` (PROJ and
EWKB, the heavy part, free of shared state so batches can run in worker threads) and
`finish` (area checks and rows, back in source order).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import shapely

from gis.ingest import geometry as geo
from gis.ingest import pgbinary, wkb
from gis.ingest.columns import Column, check_text
from gis.ingest.quality import WRONG_CRS_SHARE, QualityTracker
from gis.model import QualityIssue

Area = tuple[float, float, float, float] | None
Action = Literal["repaired", "rejected", "kept", "fatal"]


def only(geoms: geo.Geometries, keep: geo.Mask) -> geo.Geometries:
    """The geometries where ``keep`` holds, None elsewhere (shapely skips None cheaply)."""
    out = geoms.copy()
    out[~keep] = None
    return out


@dataclass(frozen=True)
class Frame:
    """What a batch is checked and reprojected against."""

    source_crs: str
    storage_crs: str
    storage_srid: int
    source_area: Area
    storage_area: Area
    columns: list[Column]
    geometry_column: str
    id_column: str | None


@dataclass(frozen=True)
class Projected:
    """A batch's kept geometries: one EWKB template and their coordinates in three CRSs."""

    template: wkb.Template
    counts: npt.NDArray[np.int64]
    storage: geo.XY
    wgs84: geo.XY
    mercator: geo.XY

    def ewkb(self, storage_srid: int) -> list[pa.Array]:
        """The geom, geom_4326 and geom_3857 columns, as EWKB."""
        return [wkb.with_coordinates(self.template, self.storage, storage_srid),
                wkb.with_coordinates(self.template, self.wgs84, 4326),
                wkb.with_coordinates(self.template, self.mercator, 3857)]


@dataclass(frozen=True)
class Prepared:
    """A batch after the sequential checks: which rows stay, and their geometries."""

    batch: pa.RecordBatch
    fids: npt.NDArray[np.int64]
    keep: geo.Mask
    geoms: geo.Geometries  # the kept rows only, in the layer's type
    label: Callable[[int], str]
    widened: bool


@dataclass
class Rows:
    """The outcome of one batch: CSV rows to COPY and how many features they hold."""

    data: pa.Buffer | None
    count: int
    widened: bool = False


@dataclass
class BatchProcessor:
    frame: Frame
    tracker: QualityTracker
    target: geo.TargetType | None
    next_fid: int = 1

    def process(self, batch: pa.RecordBatch) -> Rows:
        """All three stages in one go (`prepare`, `project`, `finish`)."""
        prepared = self.prepare(batch)
        return self.finish(prepared, self.project(prepared))

    def prepare(self, batch: pa.RecordBatch) -> Prepared:
        """Sequential stage: number, decode, check and repair; settles the layer type."""
        fids = np.arange(self.next_fid, self.next_fid + batch.num_rows, dtype=np.int64)
        self.next_fid += batch.num_rows
        self.tracker.report.features_read += batch.num_rows
        label = self._labeller(batch, fids)
        wkb = batch.column(self.frame.geometry_column).to_numpy(zero_copy_only=False)
        geoms = geo.decode(wkb)
        keep = self._present(geoms, label)
        geoms = self._flatten(geoms)
        if self.target is None:
            self.target = geo.infer_target(geoms[keep])
            if self.target is None:
                return Prepared(batch, fids, keep & False, geoms[:0], label, False)
        keep &= self._same_family(geoms, keep, label)
        geoms = self._repair(geoms, keep, label)
        keep &= ~shapely.is_missing(geoms)
        widened = self._widen(geoms, keep)
        if self.target.multi:
            geoms = geo.promote_to_multi(geoms, self.target.family)
        return Prepared(batch, fids, keep, geoms[keep], label, widened)

    def project(self, prepared: Prepared) -> Projected | None:
        """Parallel stage (no shared state): coordinates in three CRSs and the EWKB template."""
        if len(prepared.geoms) == 0:
            return None
        frame = self.frame
        source_xy = shapely.get_coordinates(prepared.geoms)
        wgs84 = geo.transform_xy(source_xy, frame.source_crs, "EPSG:4326")
        return Projected(
            template=wkb.template(prepared.geoms, frame.storage_srid),
            counts=shapely.get_num_coordinates(prepared.geoms),
            storage=geo.transform_xy(source_xy, frame.source_crs, frame.storage_crs),
            wgs84=wgs84, mercator=geo.web_mercator_xy(wgs84),
        )

    def finish(self, prepared: Prepared, projected: Projected | None) -> Rows:
        """Sequential stage, in source order: area checks, attributes, binary COPY rows."""
        if projected is None:
            return Rows(None, 0, prepared.widened)
        keep, fids = prepared.keep, prepared.fids
        rows = np.flatnonzero(keep)
        inside = ~self._outside(projected, rows, prepared.label)
        keep[rows[~inside]] = False
        count = int(keep.sum())
        self.tracker.report.features_loaded += count
        if count == 0:
            return Rows(None, 0, prepared.widened)
        fields = [pgbinary.field(pgbinary.payload(pa.array(fids[keep]), "bigint")),
                  *self._attributes(prepared.batch.filter(pa.array(keep)), fids[keep]),
                  *(pgbinary.field(column.filter(pa.array(inside)))
                    for column in projected.ewkb(self.frame.storage_srid))]
        return Rows(pgbinary.rows(fields), count, prepared.widened)

    # -- steps -------------------------------------------------------------------------------

    def _labeller(self, batch: pa.RecordBatch, fids: npt.NDArray[np.int64]) -> Callable[[int], str]:
        """'feature #n (id=...)' for a row of this batch; ids are fetched only when needed."""
        ids: list[object] = []

        def label(row: int) -> str:
            if self.frame.id_column is None:
                return f"feature #{fids[row]}"
            if not ids:
                ids.extend(batch.column(self.frame.id_column).to_pylist())
            return f"feature #{fids[row]} (id={ids[row]})"

        return label

    def _report(self, mask: npt.NDArray[np.bool_], label: Callable[[int], str], code: str,
                message: str, action: Action = "rejected") -> None:
        for row in np.flatnonzero(mask):
            self.tracker.add(QualityIssue(code=code, message=message, feature=label(int(row)),
                                          action=action))

    def _present(self, geoms: geo.Geometries, label: Callable[[int], str]) -> geo.Mask:
        missing = shapely.is_missing(geoms)
        empty = ~missing & shapely.is_empty(geoms)
        self._report(missing, label, "null_geometry", "no geometry (null or unreadable)")
        self._report(empty, label, "empty_geometry", "empty geometry")
        return np.asarray(~missing & ~empty, dtype=bool)

    def _flatten(self, geoms: geo.Geometries) -> geo.Geometries:
        with_z = shapely.has_z(geoms)
        if not with_z.any():
            return geoms
        self.tracker.count_z_dropped(int(with_z.sum()))
        return np.asarray(shapely.force_2d(geoms), dtype=object)

    def _widen(self, geoms: geo.Geometries, keep: geo.Mask) -> bool:
        """Widen a single-typed layer to Multi when a Multi geometry (or repair) turns up."""
        assert self.target is not None
        family = self.target.family
        if self.target.multi:
            return False
        if bool(np.any(shapely.get_type_id(geoms[keep]) == geo.MULTI_TYPE_ID[family])):
            self.target = geo.TargetType(family, True)
            return True
        return False

    def _same_family(self, geoms: geo.Geometries, keep: geo.Mask,
                     label: Callable[[int], str]) -> geo.Mask:
        assert self.target is not None
        kinds = geo.families(geoms)
        wrong = keep & (kinds != self.target.family)
        for row in np.flatnonzero(wrong):
            self.tracker.add(QualityIssue(
                code="mixed_geometry_type", feature=label(int(row)),
                message=f"a {geoms[row].geom_type} in a {self.target.name} layer"))
        return np.asarray(~wrong, dtype=bool)

    def _repair(self, geoms: geo.Geometries, keep: geo.Mask,
                label: Callable[[int], str]) -> geo.Geometries:
        assert self.target is not None
        candidates = only(geoms, keep)
        repaired, mask = geo.repair(candidates, self.target.family)
        if not mask.any():
            return only(geoms, keep)
        lost = mask & shapely.is_missing(repaired)
        for row in np.flatnonzero(mask):
            reason = shapely.is_valid_reason(geoms[row])
            if lost[row]:
                self.tracker.add(QualityIssue(
                    code="invalid_geometry", feature=label(int(row)),
                    message=f"invalid geometry ({reason}) with nothing left after repair"))
            else:
                self.tracker.add(QualityIssue(
                    code="invalid_geometry", feature=label(int(row)), action="repaired",
                    message=f"invalid geometry ({reason}) repaired"))
        return repaired

    def _outside(self, projected: Projected, rows: npt.NDArray[np.intp],
                 label: Callable[[int], str]) -> geo.Mask:
        """Kept features outside the area of use of the source or storage CRS (or
        untransformable); fatal when they are the majority (the CRS must be wrong)."""
        frame = self.frame
        lonlat = geo.bounds_of(projected.wgs84, projected.counts)
        outside = geo.outside(lonlat, frame.source_area)
        if frame.storage_crs != frame.source_crs:
            outside |= geo.outside(lonlat, frame.storage_area)
        outside |= geo.outside(geo.bounds_of(projected.storage, projected.counts), None)
        outside |= geo.outside(geo.bounds_of(projected.mercator, projected.counts), None)
        count, present = int(outside.sum()), len(rows)
        if count and count > WRONG_CRS_SHARE * present:
            first = int(np.flatnonzero(outside)[0])
            raise self.tracker.fatal(self._wrong_crs(
                lonlat[first], count, present, label(int(rows[first]))))
        for index in np.flatnonzero(outside):
            self.tracker.add(QualityIssue(
                code="outside_crs_area", feature=label(int(rows[index])),
                message="coordinates outside the area of use of the CRS"))
        return outside

    def _wrong_crs(self, bounds: npt.NDArray[np.float64], count: int, present: int,
                   feature: str) -> QualityIssue:
        frame = self.frame
        return QualityIssue(
            code="wrong_crs", feature=feature, action="fatal",
            message=f"{count} of {present} features lie outside the area of use of "
                    f"{frame.source_crs} (data) or {frame.storage_crs} (storage); the first "
                    f"spans lon/lat {tuple(round(float(v), 4) for v in bounds)}, areas "
                    f"{frame.source_area} / {frame.storage_area}. The declared CRS is probably "
                    "wrong (give the right one with --crs) or the storage CRS does not cover "
                    "the data (storage_crs)")

    def _attributes(self, batch: pa.RecordBatch, fids: npt.NDArray[np.int64]) -> list[pa.Array]:
        """Every attribute column as binary COPY fields (text checked on the way)."""
        fields = []
        for column in self.frame.columns:
            array = batch.column(column.source)
            if column.sql_type == "text" and pa.types.is_string(array.type):
                array, issues = check_text(array, column, lambda row: f"feature #{fids[row]}")
                self.tracker.add_all(issues)
            fields.append(pgbinary.field(pgbinary.payload(array, column.sql_type)))
        return fields
