"""The portal's pure parts: strings and labels (complete in French, Dutch and English), the
language choice, and which requests count as usage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gis import vocab
from twin.portal import labels
from twin.portal.i18n import LANGUAGES, MESSAGES, Translator, negotiate

TEMPLATES = Path(__file__).resolve().parents[2] / "twin" / "portal" / "templates"


def test_every_message_is_translated_with_the_same_placeholders() -> None:
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(text.strip() for text in texts.values()), key
        placeholders = {lang: set(re.findall(r"{(\w+)}", text)) for lang, text in texts.items()}
        assert len({frozenset(p) for p in placeholders.values()}) == 1, (key, placeholders)


def test_templates_only_use_known_messages() -> None:
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"\bt\('(\w+)'", template.read_text(encoding="utf-8")))
    prefixed = {"sort_", "facet_", "kind_", "rating_"}
    unknown = {k for k in used if k not in MESSAGES and not any(k == p for p in prefixed)}
    assert not unknown
    assert used, "the scan found nothing"


@pytest.mark.parametrize(("table", "codes"), [
    (labels.LICENCES, vocab.LICENCES), (labels.FREQUENCIES, set(vocab.FREQUENCY_DAYS)),
    (labels.THEMES, vocab.DATA_THEMES)])
def test_every_accepted_code_has_a_label_in_each_language(
        table: dict[str, dict[str, str]], codes: set[str]) -> None:
    assert set(codes) <= set(table)
    for code in codes:
        assert set(table[code]) == set(LANGUAGES)


def test_unknown_codes_and_kinds_show_their_code() -> None:
    assert labels.kind("hologram", "fr") == "hologram"
    assert labels.licence(vocab.LICENCE + "NEW_ONE", "nl") == "NEW ONE"
    assert labels.frequency(vocab.FREQUENCY + "MONTHLY", "fr") == "mensuelle"


@pytest.mark.parametrize(("param", "header", "expected"), [
    ("nl", "fr-BE", "nl"), (None, "nl-BE,nl;q=0.9,en;q=0.5", "nl"),
    (None, "de-DE,en;q=0.3,fr;q=0.7", "fr"), ("xx", "en", "en"), (None, None, "fr"),
    (None, "en;q=0", "fr")])
def test_language_is_the_parameter_then_accept_language(
        param: str | None, header: str | None, expected: str) -> None:
    assert negotiate(param, header) == expected


def test_dates_and_numbers_follow_the_locale() -> None:
    from datetime import date
    assert Translator("fr").number(1234.5) == "1\u202f234,5"
    assert Translator("nl").number(1234.5) == "1.234,5"
    assert Translator("en").date(date(2026, 3, 1)) == "1 March 2026"
    assert Translator("nl").date(date(2026, 3, 1)) == "1 maart 2026"


def test_every_mqa_criterion_has_a_label() -> None:
    from rdflib import Graph, URIRef

    from twin.catalog import mqa

    graph = Graph()
    node = URIRef("http://example.org/d")
    names = set(mqa.dataset_points(graph, node, False))
    names |= set(mqa.distribution_points(graph, node, lambda url: 0, {}))
    from twin.portal.dataset import NOT_EVALUATED
    missing = {n for n in names - NOT_EVALUATED if n not in labels.MQA_CRITERIA}
    assert not missing


@pytest.mark.parametrize(("path", "counted"), [
    ("/downloads/roads.geojson", ("roads", "downloads")),
    ("/downloads/lidar/ahn/12.laz", ("ahn", "downloads")),
    ("/collections/roads/items", ("roads", "api_requests")),
    ("/collections/roads/tiles/WebMercatorQuad/3/4/5", ("roads", "api_requests")),
    ("/3dtiles/city/tileset.json", ("city", "api_requests")),
    ("/collections/catalog/items", None), ("/collections/roads", None),
    ("/portal/datasets/roads", None)])
def test_usage_counts_only_downloads_and_data_requests(
        path: str, counted: tuple[str, str] | None) -> None:
    from twin.portal.usage import classify
    assert classify(path) == counted
