"""Just enough of LAS 1.0-1.4 to stream the points a build needs, decoded by lazrs.

laspy (which ingest uses) imports pyproj and requests to read a header: over half a second of
CPU in every build worker that only needs coordinates, intensity, returns, class and
colour. This reads the public header block and the LASzip VLR (ASPRS LAS 1.4 R15, sections
2.4-2.6) and hands the point data to lazrs (LAZ) or numpy (LAS), as one structured record per
point with the fields at their offsets in the format (X, Y, Z, intensity, return byte, class
byte, RGB). The return byte (offset 14 in every format) holds the return number and the
number of returns: 3 bits each in formats 0-5, 4 bits each in the layered formats 6-10.

A file may be an fsspec URL (``s3://...``, a layer ingested from object storage): it is then
opened by `gis.lidar.source.open_stream` with the storage options the job carries, imported
only for a URL, so a local build imports neither it nor fsspec.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

import lazrs
import numpy as np
from numpy.typing import NDArray

from tiles.errors import LasFormatError

HEADER = struct.Struct("<4s20xBB64x4xHIIBHI20x3d3d6d")  # signature .. min/max z (227 bytes)
VLR_HEADER = struct.Struct("<2x16sHH32x")
LASZIP = (b"laszip encoded", 22204)
#: Offset of the byte holding the return number and the number of returns (all formats).
RETURN_OFFSET = 14
#: Number of points by return in the header: five uint32 (legacy) and, in LAS 1.4, fifteen
#: uint64 after the extended point count.
LEGACY_BY_RETURN = struct.Struct("<5I")
LEGACY_BY_RETURN_OFFSET = 111
BY_RETURN = struct.Struct("<15Q")
BY_RETURN_OFFSET = 255
#: Offset of the colour (red) in each point format that has one.
RGB_OFFSET = {2: 20, 3: 28, 5: 28, 7: 30, 8: 30, 10: 30}
#: Only what a tile keeps: layered formats (6-10) then skip GPS time, angles, ids, NIR, ...
SELECTION = (lazrs.SELECTIVE_DECOMPRESS_XY_RETURNS_CHANNEL | lazrs.SELECTIVE_DECOMPRESS_Z
             | lazrs.SELECTIVE_DECOMPRESS_CLASSIFICATION | lazrs.SELECTIVE_DECOMPRESS_INTENSITY
             | lazrs.SELECTIVE_DECOMPRESS_RGB)


@dataclass(frozen=True)
class LasLayout:
    """Where and how the points of one file are stored."""

    point_format: int
    record_length: int
    point_count: int
    offset_to_points: int
    scales: tuple[float, float, float]
    offsets: tuple[float, float, float]
    mins: tuple[float, float, float]
    maxs: tuple[float, float, float]
    laszip: bytes | None  # the LASzip VLR's record data when the points are compressed
    has_returns: bool = True  # the header counts points of return number 1 or more

    @property
    def dtype(self) -> np.dtype[np.void]:
        """X, Y, Z, intensity, ``return_byte``, ``class_byte`` (and red, green, blue) at
        their offsets."""
        names: list[str] = ["X", "Y", "Z", "intensity", "return_byte", "class_byte"]
        formats: list[str] = ["<i4", "<i4", "<i4", "<u2", "u1", "u1"]
        offsets = [0, 4, 8, 12, RETURN_OFFSET, 16 if self.point_format >= 6 else 15]
        if self.point_format in RGB_OFFSET:
            start = RGB_OFFSET[self.point_format]
            names += ["red", "green", "blue"]
            formats += ["<u2"] * 3
            offsets += [start, start + 2, start + 4]
        return np.dtype({"names": names, "formats": formats, "offsets": offsets,
                         "itemsize": self.record_length})

    @property
    def chunk_points(self) -> int | None:
        """Points per LAZ chunk when fixed (a seek to a multiple decodes nothing in vain)."""
        if self.laszip is None or len(self.laszip) < 16:
            return None
        size: int = struct.unpack_from("<I", self.laszip, 12)[0]
        return size if 0 < size < 0xFFFFFFFF else None

    def classification(self, points: NDArray[np.void]) -> NDArray[np.uint8]:
        """ASPRS class of each point (formats 0-5 keep flags in the top three bits)."""
        values: NDArray[np.uint8] = points["class_byte"]
        return values & np.uint8(0x1F) if self.point_format < 6 else values

    def return_number(self, points: NDArray[np.void]) -> NDArray[np.uint8]:
        """Return number of each point: bits 0-2 of the return byte in formats 0-5, bits 0-3
        in formats 6-10 (whole-array bit operations: no per-point Python)."""
        values: NDArray[np.uint8] = points["return_byte"]
        return values & np.uint8(0x07 if self.point_format < 6 else 0x0F)

    def number_of_returns(self, points: NDArray[np.void]) -> NDArray[np.uint8]:
        """Number of returns of each point's pulse: bits 3-5 of the return byte in formats
        0-5, bits 4-7 in formats 6-10 (a point is its pulse's last return when equal)."""
        values: NDArray[np.uint8] = points["return_byte"]
        if self.point_format < 6:
            return (values >> np.uint8(3)) & np.uint8(0x07)
        return values >> np.uint8(4)


def open_points(path: str | Path, storage_options: Mapping[str, Any] | None = None
                ) -> BinaryIO:
    """A seekable binary file of a local path, or of a URL through fsspec."""
    text = str(path)
    if "://" not in text:
        return open(text, "rb")
    from gis.lidar.source import open_stream  # fsspec and its helpers only for a URL

    return open_stream(text, storage_options)


def read_layout(path: str | Path, storage_options: Mapping[str, Any] | None = None
                ) -> LasLayout:
    """The layout of a LAS/LAZ file (path or URL) from its header and VLRs."""
    with open_points(path, storage_options) as stream:
        return layout_of(stream)


def layout_of(stream: BinaryIO) -> LasLayout:
    """The layout of the LAS/LAZ file open as ``stream``, read from its start."""
    stream.seek(0)
    head = stream.read(375)
    if len(head) < HEADER.size or head[:4] != b"LASF":
        raise LasFormatError("not a LAS/LAZ file (no LASF signature)")
    (_, major, minor, header_size, offset, vlr_count, point_format, record_length,
     legacy_count, *numbers) = HEADER.unpack_from(head)
    count = legacy_count
    by_return = LEGACY_BY_RETURN.unpack_from(head, LEGACY_BY_RETURN_OFFSET)
    if (major, minor) >= (1, 4) and header_size >= 255 and len(head) >= 255:
        count = struct.unpack_from("<Q", head, 247)[0] or legacy_count
        if header_size >= BY_RETURN_OFFSET + BY_RETURN.size:
            by_return += BY_RETURN.unpack_from(head, BY_RETURN_OFFSET)
    maxs_mins = numbers[6:]
    laszip = _laszip_vlr(stream, header_size, vlr_count) if point_format & 0x80 else None
    if point_format & 0x80 and laszip is None:
        raise LasFormatError("compressed points without a LASzip VLR")
    return LasLayout(point_format & 0x3F, record_length, count, offset,
                     (numbers[0], numbers[1], numbers[2]), (numbers[3], numbers[4], numbers[5]),
                     (maxs_mins[1], maxs_mins[3], maxs_mins[5]),
                     (maxs_mins[0], maxs_mins[2], maxs_mins[4]), laszip, any(by_return))


def _laszip_vlr(stream: BinaryIO, header_size: int, vlr_count: int) -> bytes | None:
    stream.seek(header_size)
    for _ in range(vlr_count):
        raw = stream.read(VLR_HEADER.size)
        if len(raw) < VLR_HEADER.size:
            raise LasFormatError("truncated VLR list")
        user_id, record_id, length = VLR_HEADER.unpack(raw)
        if (user_id.rstrip(b"\0"), record_id) == LASZIP:
            return stream.read(length)
        stream.seek(length, 1)
    return None


class PointReader:
    """Sequential reads of raw point records from any point index (LAZ seeks by chunk);
    the file (path or URL) is opened once, for its header and its points."""

    def __init__(self, path: str | Path,
                 storage_options: Mapping[str, Any] | None = None) -> None:
        self._stream: BinaryIO = open_points(path, storage_options)
        self._decompressor = None
        try:
            self.layout = layout_of(self._stream)
            self._stream.seek(self.layout.offset_to_points)
            if self.layout.laszip is not None:
                # reads the chunk table (at the end of the file) at once
                self._decompressor = lazrs.LasZipDecompressor(
                    self._stream, self.layout.laszip, lazrs.DecompressionSelection(SELECTION))
        except BaseException:
            self._stream.close()
            raise

    def seek(self, index: int) -> None:
        if self._decompressor is not None:
            self._decompressor.seek(index)
        else:
            self._stream.seek(self.layout.offset_to_points + index * self.layout.record_length)

    def read(self, count: int) -> NDArray[np.void]:
        """The next ``count`` records (fewer only at the end of an uncompressed file)."""
        if self._decompressor is not None:
            data = bytearray(count * self.layout.record_length)
            self._decompressor.decompress_many(data)
            return np.frombuffer(data, dtype=self.layout.dtype)
        raw = self._stream.read(count * self.layout.record_length)
        usable = len(raw) - len(raw) % self.layout.record_length
        return np.frombuffer(raw[:usable], dtype=self.layout.dtype)

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> PointReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
