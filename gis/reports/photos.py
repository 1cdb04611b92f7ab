"""A report's photo: checked, its GPS position read only with consent, stored without EXIF.

A phone photo carries where (and often by whom) it was taken. The file is accepted only when
its first bytes say JPEG or PNG *and* Pillow decodes it whole under a pixel bound (a
decompression bomb or a renamed file is refused); it is then re-encoded from its pixels, so
no metadata of the upload (EXIF, GPS, XMP, comments) reaches the store. The GPS position is
read before, and only when the reporter consented to its use.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from gis.errors import ReportError

MAGIC = {b"\xff\xd8\xff": ("JPEG", "image/jpeg"), b"\x89PNG\r\n\x1a\n": ("PNG", "image/png")}
GPS_IFD = 0x8825


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    media_type: str
    #: (lon, lat) from the photo's EXIF, only when the reporter consented
    position: tuple[float, float] | None


def _format(data: bytes) -> tuple[str, str]:
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            return kind
    raise ReportError("photo: only JPEG and PNG images are accepted", "photo")


def _degrees(value: Any, ref: Any) -> float:
    d, m, s = (float(v) for v in value)
    sign = -1.0 if str(ref).upper() in ("S", "W") else 1.0
    return sign * (d + m / 60 + s / 3600)


def exif_position(image: Image.Image) -> tuple[float, float] | None:
    """(lon, lat) of the EXIF GPS tags, None when absent or unreadable."""
    gps = image.getexif().get_ifd(GPS_IFD)
    try:
        lat = _degrees(gps[2], gps.get(1, "N"))
        lon = _degrees(gps[4], gps.get(3, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lon, lat


def clean_photo(data: bytes, max_bytes: int, max_pixels: int, use_position: bool) -> CleanPhoto:
    """The photo re-encoded from its pixels (no metadata), with its position if consented."""
    if len(data) > max_bytes:
        raise ReportError(f"photo: at most {max_bytes} bytes", "photo")
    kind, media_type = _format(data)
    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as image:
            if image.width * image.height > max_pixels:
                raise ReportError(f"photo: at most {max_pixels} pixels", "photo")
            position = exif_position(image) if use_position else None
            image.load()
            pixels = ImageOps.exif_transpose(image)  # keep it upright once EXIF is gone
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ReportError(f"photo: not a readable {kind} image", "photo") from None
    if kind == "JPEG" and pixels.mode not in ("RGB", "L"):
        pixels = pixels.convert("RGB")
    out = io.BytesIO()
    pixels.save(out, format=kind, **({"quality": 90} if kind == "JPEG" else {}))
    return CleanPhoto(out.getvalue(), media_type, position)
