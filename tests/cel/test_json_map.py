"""JsonMap: every way CEL code reads a map gives what the fully converted map gives."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from celpy import celtypes

from interceptor.cel.json_map import JsonMap, to_cel_lazy
from interceptor.cel.values import to_cel, to_python
from tests.cel.conftest import shape

RAW: dict[str, Any] = {
    "s": "x",
    "i": 3,
    "f": 1.5,
    "t": True,
    "n": None,
    "l": [1, {"a": None}, [2.5, "y"]],
    "o": {"p": {"q": [{}]}, "e": {}},
    "dash-key": 1,
    "": "empty key",
}


def _raised(call: Callable[[], Any]) -> str:
    try:
        call()
    except KeyError as exc:
        return f"KeyError {exc}"
    return "returned"


READS: list[tuple[str, Callable[[Any], Any]]] = [
    ("getitem", lambda m: [m[k] for k in RAW]),
    ("getitem-plain-str-key", lambda m: m["s"]),
    ("get", lambda m: [m.get(celtypes.StringType(k)) for k in RAW]),
    ("get-missing-default", lambda m: m.get(celtypes.StringType("nope"), "dflt")),
    ("get-missing-raises", lambda m: _raised(lambda: m.get(celtypes.StringType("nope")))),
    ("items", lambda m: list(m.items())),
    ("values", lambda m: list(m.values())),
    ("keys", lambda m: list(m.keys())),
    ("iteration", lambda m: list(m)),
    ("len", len),
    ("contains", lambda m: ["s" in m, "nope" in m, "" in m]),
    ("dict-copy", lambda m: dict(m)),
    ("unpacking", lambda m: {**m}),
    ("copy-method", lambda m: m.copy()),
    ("deepcopy", copy.deepcopy),
    ("equality", lambda m: [m == to_cel(RAW), m != to_cel(RAW), m["o"] == to_cel(RAW["o"])]),
    ("repr", lambda m: repr(m).replace("JsonMap", "MapType")),
    ("to_python", to_python),
    ("nested-read", lambda m: m["o"]["p"]["q"][0]),
    ("list-element-map", lambda m: m["l"][1]["a"]),
]


@pytest.mark.parametrize(("name", "read"), READS, ids=[name for name, _ in READS])
def test_every_read_sees_converted_values(name: str, read: Callable[[Any], Any]) -> None:
    lazy = to_cel_lazy(RAW)
    assert isinstance(lazy, JsonMap)
    expected = read(to_cel(RAW))
    got = read(lazy)
    if isinstance(expected, str | bool | int):
        assert got == expected
    else:
        assert shape(got) == shape(expected)


@pytest.mark.parametrize(
    "raw",
    [RAW, [RAW, [], {}], "s", 1, 1.5, True, False, None, {}, [], {"a": {"b": {"c": [1, {"d": "e"}]}}}],
    ids=[
        "object",
        "list",
        "string",
        "int",
        "float",
        "true",
        "false",
        "null",
        "empty-obj",
        "empty-list",
        "deep",
    ],
)
def test_lazy_conversion_equals_eager(raw: Any) -> None:
    assert shape(to_cel_lazy(raw)) == shape(to_cel(raw))


def test_values_convert_once_and_stay_converted() -> None:
    lazy = to_cel_lazy(RAW)
    first = lazy["o"]
    assert lazy["o"] is first  # cached, not re-converted
    assert isinstance(dict.__getitem__(lazy, "o"), JsonMap)  # the storage now holds the CEL value
    assert dict.__getitem__(lazy, "s") == "x" and type(dict.__getitem__(lazy, "s")) is str  # unread: raw


def test_invalid_key_type_still_raises_like_maptype() -> None:
    for mapping in (to_cel(RAW), to_cel_lazy(RAW)):
        with pytest.raises(TypeError, match="unsupported key type"):
            mapping[1.5]


def test_numbers_are_doubles() -> None:
    lazy = to_cel_lazy({"i": 3, "b": False})
    assert type(lazy["i"]) is celtypes.DoubleType
    assert type(lazy["b"]) is celtypes.BoolType
