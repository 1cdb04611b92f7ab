"""The reasons a refused report form shows: every API refusal maps to a reason, every reason
is in the three languages, and a rate limit is never mistaken for a field."""

from __future__ import annotations

import pytest

from twin.portal.i18n import LANGUAGES
from twin.reports.refusals import INPUTS, REASONS, refusal


@pytest.mark.parametrize(("message", "status", "reason"), [
    ("category: 'unicorns' is not one of pothole, graffiti", 400, "category"),
    ("description: required", 400, "description"),
    ("lon, lat: both are needed", 400, "location"),
    ("lat: a number in degrees expected", 400, "location"),
    ("location: click the map, give lon and lat or a parcel", 400, "location"),
    ("location: outside the commune's area; a report must be on its territory", 400, "area"),
    ("parcel: nothing called 'X' in parcels", 400, "parcel"),
    ("photo: at most 5000000 bytes", 400, "photo"),
    ("email: kept only with your consent (consent: true)", 400, "email"),
    ("at most 5065536 bytes", 400, "size"),
    ("refused", 400, "other"),
    ("too many reports from this client: try again later", 429, "rate"),
])
def test_refusal_reasons(message: str, status: int, reason: str) -> None:
    found = refusal(message, status)
    assert found.reason == reason
    assert found.detail == message
    assert found.status == status


def test_every_reason_in_every_language() -> None:
    for key, texts in REASONS.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(text.strip() for text in texts.values()), key
    assert set(INPUTS) <= set(REASONS)


@pytest.mark.parametrize(("message", "field", "reason"), [
    # the prefix parser read these as "other": the message does not start with its field
    ("'ref' is not a published field of layer 'parcels'", "parcel", "parcel"),
    ("at most 65536 bytes of JSON (photos: multipart)", "size", "size"),
    # the field wins over a misleading prefix
    ("location: outside the commune's area; a report must be on its territory", "area",
     "area"),
    ("description: text expected", "description", "description"),
])
def test_refusal_uses_the_errors_field(message: str, field: str, reason: str) -> None:
    assert refusal(message, 400, field).reason == reason
    assert refusal(message, 429, field).reason == "rate"


def test_fields_are_set_where_raised() -> None:
    """The store's and the API's errors carry the field the form marks."""
    from gis.errors import ReportError
    from gis.reports.photos import clean_photo

    with pytest.raises(ReportError) as caught:
        clean_photo(b"not an image", 1000, 1000, use_position=False)
    assert caught.value.field == "photo"
    assert refusal(str(caught.value), 400, caught.value.field).input_id == "rp-photo"
