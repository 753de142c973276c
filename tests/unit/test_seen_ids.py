"""The walk's seen-id bookkeeping (``pagination.SeenIds``): exact, whatever the ids look like.

Ids are compared as the strings ``record_id`` gives, as before ``SeenIds`` kept canonical UUIDs
as 128-bit ints: ``5`` and ``"5"`` one id, a UUID and its capitals two ids, an int equal to a
UUID's value another id than the UUID. ``_compact_uuids`` (one page of canonical UUIDs at once)
is checked against inputs that only one of its checks refuses. Memory is measured in the bench
(figure 3), never here.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import pytest
from ionworks_toolkit import WalkStats
from ionworks_toolkit.pagination import (
    Page,
    SeenIds,
    _compact_uuids,
    compact_id,
    record_id,
    walk_pages,
)

U1 = "0123abcd-4567-89ef-0123-456789abcdef"
U2 = "ffffffff-ffff-ffff-ffff-fffffffffffe"
U3 = "00000000-0000-0000-0000-000000000007"


def _walk(pages: dict[int, list[dict[str, Any]]], page_size: int) -> tuple[list[Any], WalkStats]:
    stats = WalkStats()

    def fetch(offset: int, limit: int) -> Page[dict[str, Any]]:
        return Page(pages.get(offset, []), None, offset)

    records = [r for page in walk_pages(fetch, page_size=page_size, stats=stats) for r in page]
    return records, stats


# ----------------------------------------------------------------------------- compact_id


def test_a_canonical_uuid_is_kept_as_its_128_bit_value() -> None:
    assert compact_id(U1) == 0x0123ABCD456789EF0123456789ABCDEF
    assert compact_id(U2) == 2**128 - 2
    assert compact_id(U3) == 7
    assert compact_id(str(uuid.UUID(int=0))) == 0
    assert compact_id(U1) == uuid.UUID(U1).int


@pytest.mark.parametrize(
    "key",
    [
        U1.upper(),  # capitals: another id than U1
        "0123ABCD-4567-89ef-0123-456789abcdef",  # one group in capitals
        "{" + U1 + "}",  # braced
        "urn:uuid:" + U1,
        U1.replace("-", ""),  # 32 digits without dashes
        U1 + "\n",  # a trailing newline
        " " + U1[1:],  # whitespace int() would skip
        "+" + U1[1:],  # a sign int() would take
        "0x23abcd-4567-89ef-0123-456789abcdef",  # a prefix int(..., 16) would take
        "0_23abcd-4567-89ef-0123-456789abcdef",  # an underscore int() would take
        "0123abc-d4567-89ef-0123-456789abcdef",  # a dash one place early
        "0123abcd-4567-89ef-0123-456789abcdeg",  # not hexadecimal
        "\u0660123abcd-4567-89ef-0123-456789abcde",  # an Arabic-Indic zero int() would take
        "5",
        "",
        str(2**200),
    ],
)
def test_any_other_id_is_kept_as_the_string_itself(key: str) -> None:
    got = compact_id(key)
    assert type(got) is str
    assert got == key


# ----------------------------------------------------------------------------- _compact_uuids


def test_a_page_of_canonical_uuids_is_compacted_at_once() -> None:
    assert _compact_uuids([U1, U2, U3, U1]) == [uuid.UUID(U1).int, 2**128 - 2, 7, uuid.UUID(U1).int]
    assert _compact_uuids([U3]) == [7]
    assert _compact_uuids([]) == []


@pytest.mark.parametrize(
    "keys",
    [
        [U1, None],  # a record without an id
        [U1, U1.upper()],
        [U1, "0123abcd-4567-89ef-0123-456789abcdeF"],  # one capital
        [U1, "A123abcd-4567-89ef-0123-456789abcdef"],  # a capital A
        [U1, "000000000-000-0000-0000-000000000000"],  # the dash at 9, not 8
        [U1, "00000000-00000-000-0000-000000000000"],  # at 14, not 13
        [U1, "00000000-0000-00000-000-000000000000"],  # at 19, not 18
        [U1, "00000000-0000-0000-00000-00000000000"],  # at 24, not 23
        # 34 and 38 characters: dashes and digit count right, the newline misplaced
        [U1[:-2], "00" + U2],
        [U1, U2[:-2] + "  "],  # whitespace fromhex skips: 15 bytes
        [U1, U2[:-1] + "-"],  # another dash: 31 digits
        [U1, U2[:-1] + "g"],  # not hexadecimal
        [U1, U2[:-1]],  # the last key short
        [U1, U2 + "0"],  # the last key long
        [U1 + "\n" + U2],  # two UUIDs in one key
    ],
)
def test_a_page_with_any_other_key_is_left_to_compact_id(keys: list[Any]) -> None:
    assert _compact_uuids(keys) is None


# ----------------------------------------------------------------------------- SeenIds


def test_an_id_seen_twice_is_new_only_the_first_time() -> None:
    seen = SeenIds()
    assert seen.first_seen(["a", "b", "a"]) == [True, True, False]
    assert seen.first_seen(["b", "c", "c", "a"]) == [False, True, False, False]
    assert len(seen) == 3


def test_uuids_new_seen_and_repeated_within_a_page() -> None:
    seen = SeenIds()
    assert seen.first_seen([U1, U2]) == [True, True]  # every id new
    assert seen.first_seen([U2, U3]) == [False, True]  # one seen on the page before
    assert seen.first_seen([U3, U1]) == [False, False]
    fresh = SeenIds()
    assert fresh.first_seen([U1, U2, U1]) == [True, True, False]  # repeated in the page
    assert (len(seen), len(fresh)) == (3, 2)
    assert SeenIds().first_seen([]) == []


def test_a_uuid_and_its_capitals_are_two_ids_as_before() -> None:
    seen = SeenIds()
    assert seen.first_seen([U1, U1.upper()]) == [True, True]
    assert seen.first_seen([U1.upper()]) == [False]
    assert seen.first_seen([U1]) == [False]
    assert len(seen) == 2


def test_records_without_an_id_are_always_new_and_never_remembered() -> None:
    seen = SeenIds()
    assert seen.first_seen([None, U1, None]) == [True, True, True]
    assert seen.first_seen([None, "x", U1, "x"]) == [True, True, False, False]
    assert len(seen) == 2


def test_a_uuid_value_as_a_number_is_not_the_uuid() -> None:
    # An int id equal to a UUID's 128-bit value is its decimal string, kept as a str: it never
    # meets the int a canonical UUID is kept as.
    seen = SeenIds()
    assert seen.first_seen([str(uuid.UUID(U1).int), U1, str(7), U3]) == [True] * 4
    assert seen.first_seen([U1, U3, "7"]) == [False, False, False]


def test_the_page_at_once_and_one_key_at_a_time_agree() -> None:
    # Random pages mixing canonical UUIDs, their capitals, other ids, Nones and repeats: the
    # flags are those of a set of the strings themselves (the rule before SeenIds).
    rng = random.Random(14)
    pool = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(30)]
    pool += [key.upper() for key in pool[:5]] + ["7", str(2**130), "{" + pool[0] + "}"]
    seen, reference = SeenIds(), set()
    for page_number in range(200):
        canonical_only = page_number % 2 == 0  # half the pages take the page-at-once path
        choices = pool[:30] if canonical_only else [*pool, None]
        keys = [rng.choice(choices) for _ in range(rng.randint(1, 12))]
        expected = []
        for key in keys:
            expected.append(key is None or key not in reference)
            if key is not None:
                reference.add(key)
        assert seen.first_seen(keys) == expected, keys
    assert len(seen) == len(reference)


# ----------------------------------------------------------------------------- the walk


def test_int_ids_and_their_strings_are_one_id_as_before() -> None:
    pages = {
        0: [{"id": 5}, {"id": 2**200}, {"id": U1}],
        3: [{"id": "5"}, {"id": str(2**200)}, {"id": uuid.UUID(U1).int}, {"id": U1.upper()}],
    }
    records, stats = _walk(pages, page_size=3)
    assert records == [
        {"id": 5},
        {"id": 2**200},
        {"id": U1},
        {"id": uuid.UUID(U1).int},
        {"id": U1.upper()},
    ]
    assert (stats.records, stats.duplicates, stats.repeated_in_page) == (5, 2, 0)


def test_other_id_types_are_compared_as_their_strings() -> None:
    class Model:
        def __init__(self, id: Any) -> None:
            self.id = id

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Model) and other.id == self.id

    pages = {
        0: [Model(uuid.UUID(U1)), Model(1.0), Model(True)],
        3: [Model(U1), Model("1.0"), Model(1), Model("True")],
    }
    records, stats = _walk(pages, page_size=3)  # type: ignore[arg-type]
    assert [r.id for r in records] == [uuid.UUID(U1), 1.0, True, 1]
    assert (stats.records, stats.duplicates) == (4, 3)


def test_record_id_gives_the_string_of_any_id() -> None:
    key = record_id({"id": U1})
    assert key is U1  # the record's own string, not a copy
    assert record_id({"id": 2**200}) == str(2**200)
    assert record_id({"id": uuid.UUID(U1)}) == U1
    assert record_id({"id": None}) is None

    class Text(str):
        def __str__(self) -> str:
            return "text"

    assert type(record_id({"id": Text("x")})) is str
    assert record_id({"id": Text("x")}) == "text"


def test_record_id_of_a_mapping_that_is_not_a_dict_reads_its_id_key() -> None:
    # Any Mapping (a plugin's read-only view of a record) is read by its "id" key, like a dict;
    # an attribute named id on it is not the record's id.
    class Record(Mapping[str, Any]):
        id = "the attribute"

        def __init__(self, data: dict[str, Any]) -> None:
            self._data = data

        def __getitem__(self, key: str) -> Any:
            return self._data[key]

        def __iter__(self) -> Iterator[str]:
            return iter(self._data)

        def __len__(self) -> int:
            return len(self._data)

    assert record_id(MappingProxyType({"id": U1})) == U1
    assert record_id(MappingProxyType({"id": 7})) == "7"
    assert record_id(MappingProxyType({"ID": U1})) is None
    assert record_id(Record({"id": "the key"})) == "the key"
    assert record_id(Record({})) is None


def test_a_walk_of_uuid_pages_with_an_insert_counts_the_duplicate() -> None:
    ids = [str(uuid.UUID(int=i)) for i in range(7)]
    pages = {
        0: [{"id": key} for key in ids[:3]],
        3: [{"id": key} for key in ids[2:5]],  # a record inserted before: one id again
        6: [{"id": key} for key in ids[5:]],
    }
    records, stats = _walk(pages, page_size=3)
    assert [r["id"] for r in records] == ids
    assert (stats.records, stats.duplicates, stats.repeated_in_page) == (7, 1, 0)
