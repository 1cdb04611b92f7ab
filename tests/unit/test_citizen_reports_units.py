"""Citizens' reports without a database: the workflow, the declaration's privacy rules and
photo cleaning (magic bytes, decoding, pixel bound, EXIF read only with consent, stripped)."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from gis.errors import InvalidLayerSpec, InvalidStatusTransition, ReportError
from gis.reports.config import PERSONAL, load_config
from gis.reports.photos import clean_photo
from gis.reports.workflow import STATUSES, TRANSITIONS, as_status, check_transition

REPO = Path(__file__).resolve().parents[2]
MIGRATION = REPO / "gis/migrations/versions/0016_reports.py"


def test_the_trigger_and_the_api_share_one_workflow() -> None:
    spec = importlib.util.spec_from_file_location("m0016", MIGRATION)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pairs = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert pairs == set(module.TRANSITIONS)
    assert set(TRANSITIONS) == set(STATUSES)


def test_transitions() -> None:
    check_transition("new", "acknowledged")
    check_transition("in_progress", "rejected")
    with pytest.raises(InvalidStatusTransition, match="from solved: none, it is final"):
        check_transition("solved", "in_progress")
    with pytest.raises(InvalidStatusTransition, match="from new: acknowledged, rejected"):
        check_transition("new", "solved")
    assert as_status("In progress") == "in_progress"
    with pytest.raises(ReportError, match="'done' is not one of"):
        as_status("done")


def test_the_declaration_cannot_publish_personal_fields(tmp_path: Path) -> None:
    text = (REPO / "config/reports.yml").read_text(encoding="utf-8")
    path = tmp_path / "reports.yml"
    path.write_text(text.replace("  access_level: open\n",
                                 "  access_level: open\n  personal_fields: {}\n"),
                    encoding="utf-8")
    spec = load_config(path).layer_spec()
    assert spec.access_level == "open"
    assert {n for n, r in spec.personal_fields.items() if r.rule == "drop"} == set(PERSONAL)
    assert spec.personal_fields["geom"].params == {"grid": 50.0}
    broken = tmp_path / "broken.yml"
    broken.write_text("categories: {}\nlayer: {id: x}\n", encoding="utf-8")
    with pytest.raises(InvalidLayerSpec, match=r"broken\.yml: categories"):
        load_config(broken)


def _png_with_metadata() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Anna Secretperson")
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (50.0, 52.0, 47.0), 3: "E", 4: (4.0, 42.0, 2.0)})
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (1, 2, 3)).save(out, format="PNG", pnginfo=info,
                                                 exif=exif.tobytes())
    return out.getvalue()


def test_png_metadata_is_gone_and_gps_read_only_with_consent() -> None:
    data = _png_with_metadata()
    without = clean_photo(data, 10**6, 10**6, use_position=False)
    assert without.position is None
    assert without.media_type == "image/png"
    assert b"Secretperson" not in without.content
    with Image.open(io.BytesIO(without.content)) as image:
        assert not image.getexif()
        assert image.size == (20, 10)
    consented = clean_photo(data, 10**6, 10**6, use_position=True)
    assert consented.position == pytest.approx((4.70056, 50.87972), abs=1e-4)


@pytest.mark.parametrize(("data", "message"), [
    (b"GIF89a" + b"\0" * 32, "only JPEG and PNG"),
    (b"\xff\xd8\xff" + b"\0" * 32, "not a readable JPEG"),
    (b"<svg onload=alert(1)>", "only JPEG and PNG"),
])
def test_files_that_are_not_photos_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(ReportError, match=message):
        clean_photo(data, 10**6, 10**6, use_position=True)


def test_size_and_pixel_bounds() -> None:
    data = _png_with_metadata()
    with pytest.raises(ReportError, match="at most 100 bytes"):
        clean_photo(data, 100, 10**6, use_position=False)
    with pytest.raises(ReportError, match="at most 199 pixels"):
        clean_photo(data, 10**6, 199, use_position=False)
