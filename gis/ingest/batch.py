"""One Arrow batch of source features -> checked, reprojected binary COPY rows.

Four stages: `BatchProcessor.inspect` (GEOS decoding and validity, free of shared state so
batches run in worker threads), `prepare` (checks and repairs; sequential, it keeps the
state a streamed load needs across batches: the next feature number, the layer's geometry
type, which may widen from Polygon to MultiPolygon, and the quality tracker), `encode`
(reprojection, area checks, WKB and the binary COPY rows: stateless again, worker threads)
and `finish` (what the batch adds to the report and the counts, back in source order).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

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
_Rows = TypeVar("_Rows", pa.Array, pa.RecordBatch)
Action = Literal["repaired", "rejected", "kept", "fatal"]


def _kept(rows: _Rows, keep: geo.Mask) -> _Rows:
    """The rows where ``keep`` holds (no copy when it always does, the common case)."""
    return rows if bool(keep.all()) else rows.filter(pa.array(keep))


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
class Encoded:
    """A batch ready to COPY, and what the sequential stage must still record about it."""

    data: pa.Buffer | None  # binary COPY rows of the loaded features
    count: int
    issues: list[QualityIssue]  # in source order
    fatal: QualityIssue | None  # the batch ends the load (a wrong CRS)
    storage_bounds: npt.NDArray[np.float64]  # of the loaded features
    wgs84_bounds: npt.NDArray[np.float64]


@dataclass(frozen=True)
class Inspected:
    """A batch as GEOS sees it: its geometries decoded (None when unreadable) and valid."""

    batch: pa.RecordBatch
    geoms: geo.Geometries
    valid: geo.Mask


@dataclass(frozen=True)
class Prepared:
    """A batch after the sequential checks: which rows stay, and their geometries."""

    batch: pa.RecordBatch
    fids: npt.NDArray[np.int64]
    keep: geo.Mask
    geoms: geo.Geometries  # the kept rows only, in the layer's type
    label: Callable[[int], str]
    widened: bool
    wkb: pa.Array | None = None  # the source WKB of the kept rows, when the checks kept it


@dataclass
class Rows:
    """The outcome of one batch: CSV rows to COPY and how many features they hold."""

    data: pa.Buffer | None
    count: int
    widened: bool = False


@dataclass
class Extent:
    """Running bounds (minx, miny, maxx, maxy) of the loaded features, in the storage CRS
    and in EPSG:4326: the layer's extents without a scan of the loaded table."""

    storage: list[float] = field(default_factory=lambda: [np.inf, np.inf, -np.inf, -np.inf])
    wgs84: list[float] = field(default_factory=lambda: [np.inf, np.inf, -np.inf, -np.inf])

    def add(self, storage: npt.NDArray[np.float64], wgs84: npt.NDArray[np.float64]) -> None:
        for extent, bounds in ((self.storage, storage), (self.wgs84, wgs84)):
            if len(bounds):
                low, high = bounds[:, :2].min(axis=0), bounds[:, 2:].max(axis=0)
                extent[:] = [min(extent[0], float(low[0])), min(extent[1], float(low[1])),
                             max(extent[2], float(high[0])), max(extent[3], float(high[1]))]


@dataclass
class BatchProcessor:
    frame: Frame
    tracker: QualityTracker
    target: geo.TargetType | None
    next_fid: int = 1
    extent: Extent = field(default_factory=Extent)

    def process(self, batch: pa.RecordBatch) -> Rows:
        """All four stages in one go (`inspect`, `prepare`, `encode`, `finish`)."""
        prepared = self.prepare(self.inspect(batch))
        return self.finish(prepared, self.encode(prepared))

    def inspect(self, batch: pa.RecordBatch) -> Inspected:
        """Parallel stage (no shared state): decode the WKB, test validity (the costliest
        checks, in GEOS, which runs without the GIL)."""
        geoms = geo.decode(batch.column(self.frame.geometry_column)
                           .to_numpy(zero_copy_only=False))
        return Inspected(batch, geoms, np.asarray(shapely.is_valid(geoms), dtype=bool))

    def prepare(self, inspected: Inspected) -> Prepared:
        """Sequential stage: number, check and repair; settles the layer type."""
        batch, decoded = inspected.batch, inspected.geoms
        fids = np.arange(self.next_fid, self.next_fid + batch.num_rows, dtype=np.int64)
        self.next_fid += batch.num_rows
        self.tracker.report.features_read += batch.num_rows
        label = self._labeller(batch, fids)
        keep = self._present(decoded, label)
        geoms = self._flatten(decoded)
        if self.target is None:
            self.target = geo.infer_target(geoms[keep])
            if self.target is None:
                return Prepared(batch, fids, keep & False, geoms[:0], label, False)
        keep &= self._same_family(geoms, keep, label)
        geoms, repaired = self._repair(geoms, keep & ~inspected.valid, label)
        keep &= ~shapely.is_missing(geoms)
        widened = self._widen(geoms, keep)
        if self.target.multi:
            geoms = geo.promote_to_multi(geoms, self.target.family)
        unchanged = geoms is decoded and not repaired  # no Z dropped, no repair, no promotion
        source = batch.column(self.frame.geometry_column)
        kept_wkb = _kept(source, keep) if unchanged else None
        if kept_wkb is not None and not wkb.plain_wkb(kept_wkb):
            kept_wkb = None
        return Prepared(batch, fids, keep, geoms[keep], label, widened, kept_wkb)

    def encode(self, prepared: Prepared) -> Encoded | None:
        """Parallel stage (no shared state): coordinates in three CRSs, area checks and the
        binary COPY rows; issues are returned for `finish` to record in order."""
        if len(prepared.geoms) == 0:
            return None
        frame = self.frame
        template = wkb.template(prepared.wkb if prepared.wkb is not None
                                else wkb.encode(prepared.geoms))
        source_xy = wkb.coordinates(template)
        wgs84 = geo.transform_xy(source_xy, frame.source_crs, "EPSG:4326")
        storage = geo.transform_xy(source_xy, frame.source_crs, frame.storage_crs)
        counts = shapely.get_num_coordinates(prepared.geoms)
        storage_bounds, lonlat = geo.bounds_of(storage, counts), geo.bounds_of(wgs84, counts)
        rows = np.flatnonzero(prepared.keep)
        outside, issues, fatal = self._outside(storage_bounds, lonlat, rows, prepared.label)
        inside = ~outside
        keep = prepared.keep.copy()
        keep[rows[outside]] = False
        count = int(keep.sum())
        if fatal is not None or count == 0:
            return Encoded(None, 0, issues, fatal, storage_bounds[:0], lonlat[:0])
        attributes, text_issues = self._attributes(_kept(prepared.batch, keep),
                                                   prepared.fids[keep])
        geometries = [pgbinary.field(_kept(wkb.with_coordinates(template, xy), inside))
                      for xy in (storage, wgs84, geo.web_mercator_xy(wgs84))]
        fields = [pgbinary.field(pgbinary.payload(pa.array(prepared.fids[keep]), "bigint")),
                  *attributes, *geometries]
        return Encoded(pgbinary.rows(fields), count, issues + text_issues, None,
                       storage_bounds[inside], lonlat[inside])

    def finish(self, prepared: Prepared, encoded: Encoded | None) -> Rows:
        """Sequential stage, in source order: record the issues, count, the COPY rows."""
        if encoded is None:
            return Rows(None, 0, prepared.widened)
        if encoded.fatal is not None:
            raise self.tracker.fatal(encoded.fatal)
        self.tracker.add_all(encoded.issues)
        self.extent.add(encoded.storage_bounds, encoded.wgs84_bounds)
        self.tracker.report.features_loaded += encoded.count
        return Rows(encoded.data, encoded.count, prepared.widened)

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

    def _repair(self, geoms: geo.Geometries, invalid: geo.Mask,
                label: Callable[[int], str]) -> tuple[geo.Geometries, bool]:
        """The geometries with the ``invalid`` ones repaired (None when nothing is left);
        and whether any was."""
        assert self.target is not None
        if not invalid.any():
            return geoms, False
        repaired, mask = geo.repair(geoms, self.target.family, invalid)
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
        return repaired, True

    def _outside(self, storage: npt.NDArray[np.float64], lonlat: npt.NDArray[np.float64],
                 rows: npt.NDArray[np.intp], label: Callable[[int], str]
                 ) -> tuple[geo.Mask, list[QualityIssue], QualityIssue | None]:
        """Kept features outside the area of use of the source or storage CRS (or
        untransformable), given their bounds (`geometry.bounds_of`); with an issue each, or
        one fatal issue when they are the majority (the CRS must be wrong)."""
        frame = self.frame
        outside = geo.outside(lonlat, frame.source_area)
        if frame.storage_crs != frame.source_crs:
            outside |= geo.outside(lonlat, frame.storage_area)
        outside |= geo.outside(storage, None)
        # Web Mercator is finite exactly where latitudes are inside (-90, 90)
        outside |= ~((lonlat[:, 1] > -90) & (lonlat[:, 3] < 90))
        count, present = int(outside.sum()), len(rows)
        if count and count > WRONG_CRS_SHARE * present:
            first = int(np.flatnonzero(outside)[0])
            fatal = self._wrong_crs(lonlat[first], count, present, label(int(rows[first])))
            return outside, [], fatal
        issues = [QualityIssue(code="outside_crs_area", feature=label(int(rows[index])),
                               message="coordinates outside the area of use of the CRS")
                  for index in np.flatnonzero(outside)]
        return outside, issues, None

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

    def _attributes(self, batch: pa.RecordBatch, fids: npt.NDArray[np.int64]
                    ) -> tuple[list[pgbinary.Field], list[QualityIssue]]:
        """Every attribute column as binary COPY fields, and the text repairs on the way."""
        fields, issues = [], []
        for column in self.frame.columns:
            array = batch.column(column.source)
            if column.sql_type == "text" and pa.types.is_string(array.type):
                array, found = check_text(array, column, lambda row: f"feature #{fids[row]}")
                issues.extend(found)
            fields.append(pgbinary.field(pgbinary.payload(array, column.sql_type)))
        return fields, issues
