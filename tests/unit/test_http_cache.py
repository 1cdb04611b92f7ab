"""`twin.http_cache`: If-None-Match as RFC 9110 reads it, the 304's headers, Part 4 item tags
and the byte-bounded LRU of the tile cache."""

from __future__ import annotations

import threading

import pytest

from twin.http_cache import (
    ByteLRU,
    Validators,
    cache_control,
    immutable,
    item_etag,
    make_etag,
    none_match,
    parse_if_none_match,
    row_versions,
)

TAG = make_etag("layer", 3, 7, "publish")


def test_tags_are_strong_quoted_and_follow_their_parts() -> None:
    assert TAG.startswith('"')
    assert TAG.endswith('"')
    assert not TAG.startswith("W/")
    assert make_etag("layer", 3, 7, "publish") == TAG
    assert make_etag("layer", 3, 8, "publish") != TAG  # an edit
    assert make_etag("layer", 3, 7, "data") != TAG  # another view


@pytest.mark.parametrize(("header", "expected"), [
    (None, None),
    ("", None),
    ("  ", None),
    ("*", "*"),
    (' * ', "*"),
    ('"a"', frozenset({'"a"'})),
    ('W/"a"', frozenset({'"a"'})),
    ('"a", W/"b" ,"c"', frozenset({'"a"', '"b"', '"c"'})),
    ('"a,b", "c"', frozenset({'"a,b"', '"c"'})),  # a comma inside a tag is part of it
    ("a, b", frozenset({'"a"', '"b"'})),  # lenient: bare tokens
    ('""', frozenset({'""'})),
])
def test_if_none_match_is_parsed_as_a_list_of_tags(
        header: str | None, expected: frozenset[str] | str | None) -> None:
    assert parse_if_none_match(header) == expected


@pytest.mark.parametrize(("header", "matches"), [
    (TAG, True),
    (f"W/{TAG}", True),  # If-None-Match uses the weak comparison
    (f'"other", {TAG}', True),
    ('"other", W/"more"', False),
    ("*", True),
    (None, False),
    (TAG[:-2] + '"', False),
    (TAG.strip('"'), True),
])
def test_none_match_compares_weakly(header: str | None, matches: bool) -> None:
    assert none_match(header, TAG) is matches


def test_a_304_carries_what_the_200_would() -> None:
    validators = Validators(TAG, immutable("public"), "Accept-Encoding",
                            content_location="/x?v=1")
    assert validators.not_modified('"nope"') is None
    response = validators.not_modified(f'"nope", {TAG}', {"Access-Control-Allow-Origin": "*"})
    assert response is not None
    assert response.status_code == 304
    assert response.body == b""
    assert response.headers["etag"] == TAG
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["content-location"] == "/x?v=1"
    assert response.headers["access-control-allow-origin"] == "*"
    assert {k.lower(): v for k, v in validators.headers().items()}.items() <= \
        dict(response.headers).items()


def test_cache_control_rules() -> None:
    assert cache_control("private") == "private, no-cache"
    assert cache_control("public", max_age=300) == "public, max-age=300"
    assert immutable("private") == "private, max-age=31536000, immutable"


def test_item_tags_keep_the_row_version_for_if_match() -> None:
    published = item_etag("1234", "publish", 3, 0)
    raw = item_etag("1234", "data", 3, 0)
    assert published != raw  # two views, two tags
    assert published.startswith('"1234.')
    assert not published.startswith("W/")
    assert item_etag("1235", "publish", 3, 0) != published  # the row was edited
    assert row_versions(published) == '"1234"'
    assert row_versions(f'W/{published}, "77"') == '"1234", "77"'
    assert row_versions("*") == "*"
    assert row_versions(None) is None


def test_lru_is_bounded_by_bytes_and_evicts_the_least_recently_used() -> None:
    overhead = ByteLRU.ENTRY_OVERHEAD
    cache = ByteLRU(3 * (100 + overhead))
    for name in ("a", "b", "c"):
        cache.put(name, name.encode() * 100, "layer", 1)
    assert len(cache) == 3
    assert cache.size == 3 * (100 + overhead)
    assert cache.get("a") == b"a" * 100  # a is now the most recent
    cache.put("d", b"d" * 100, "layer", 1)
    assert cache.get("b") is None  # the least recently used went
    assert [cache.get(k) is not None for k in ("a", "c", "d")] == [True, True, True]
    assert cache.size <= cache.capacity
    cache.put("big", b"x" * (cache.capacity + 1), "layer", 1)  # larger than everything
    assert cache.get("big") is None
    assert len(cache) == 3
    cache.put("e", b"e" * 250, "layer", 1)  # one large entry may evict several
    assert cache.size <= cache.capacity
    assert cache.get("e") is not None


def test_replacing_a_key_does_not_count_it_twice() -> None:
    cache = ByteLRU(10_000)
    cache.put("k", b"1" * 100, "layer", 1)
    cache.put("k", b"2" * 50, "layer", 1)
    assert cache.get("k") == b"2" * 50
    assert cache.size == 50 + ByteLRU.ENTRY_OVERHEAD


def test_a_new_generation_drops_the_groups_older_entries() -> None:
    cache = ByteLRU(100_000)
    cache.put(("a", 1, "t1"), b"old", "a", 1)
    cache.put(("a", 1, "t2"), b"old", "a", 1)
    cache.put(("b", 1, "t1"), b"other layer", "b", 1)
    cache.put(("a", 2, "t1"), b"new", "a", 2)  # layer a was edited
    assert cache.get(("a", 1, "t1")) is None
    assert cache.get(("a", 1, "t2")) is None
    assert cache.get(("a", 2, "t1")) == b"new"
    assert cache.get(("b", 1, "t1")) == b"other layer"
    assert len(cache) == 2
    cache.drop_group("b")
    assert cache.get(("b", 1, "t1")) is None
    assert cache.size == len(b"new") + ByteLRU.ENTRY_OVERHEAD


def test_a_zero_capacity_cache_keeps_nothing() -> None:
    cache = ByteLRU(0)
    cache.put("k", b"", "layer", 1)
    assert cache.get("k") is None
    assert len(cache) == 0


def test_the_lru_stays_consistent_under_threads() -> None:
    cache = ByteLRU(50 * (64 + ByteLRU.ENTRY_OVERHEAD))

    def work(offset: int) -> None:
        for i in range(2000):
            key = (offset + i) % 200
            if cache.get(key) is None:
                cache.put(key, bytes(64), "layer", 1)

    threads = [threading.Thread(target=work, args=(n * 37,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.size == len(cache) * (64 + ByteLRU.ENTRY_OVERHEAD) <= cache.capacity
