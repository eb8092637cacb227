from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from interceptor.context.paths import apply_assignments, parse_assignment
from interceptor.errors import InvalidInput

BASE: dict[str, Any] = {
    "state": {"appTag": "1.0", "tags": ["a"], "empty": "", "zero": 0, "obj": {"k": "v"}, "nothing": None}
}


def _apply(*texts: str, compat: bool = False) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    assignments = [a for a in (parse_assignment(t, compat=compat) for t in texts) if a is not None]
    apply_assignments(document, assignments)
    return document


@pytest.mark.parametrize(
    ("texts", "path", "expected"),
    [
        (["state.x=v"], ("state", "x"), "v"),
        (["state.n=5"], ("state", "n"), "5"),  # = always stores a string
        (["state.eq=a=b=c"], ("state", "eq"), "a=b=c"),  # split on the first =
        (["state.s= spaced "], ("state", "s"), " spaced "),  # kept verbatim by the native CLI
        (["state.e="], ("state", "e"), ""),  # empty strings can be set
        (["state.n:=5"], ("state", "n"), 5),
        (['state.j:={"a": [1, true, null]}'], ("state", "j"), {"a": [1, True, None]}),
        (['state.j:="text"'], ("state", "j"), "text"),
        (["a.b.c=deep"], ("a", "b", "c"), "deep"),  # intermediate objects created
        (["state.nothing.x=1"], ("state", "nothing", "x"), "1"),  # null intermediate replaced by an object
        (["state.obj=flat"], ("state", "obj"), "flat"),  # the last segment may replace an object
        (["state.tags[]=b,c"], ("state", "tags"), ["a", "b", "c"]),
        (["state.new[]=b,c"], ("state", "new"), ["b", "c"]),
        (["state.tags[]=[]"], ("state", "tags"), []),
        (["state.tags{}=a,b,b,c"], ("state", "tags"), ["a", "b", "c"]),
        (["state.uniq{}=a,b,c,c", "state.uniq{}=d,e,e"], ("state", "uniq"), ["a", "b", "c", "d", "e"]),
        (["state.tags{}=[]"], ("state", "tags"), []),
        (["state.empty[]=x"], ("state", "empty"), ["x"]),  # falsy values are reseeded as []
        (["state.zero{}=x,x"], ("state", "zero"), ["x"]),
        (['state.tags[]:=[1, {"k": 2}]'], ("state", "tags"), ["a", 1, {"k": 2}]),
        (['state.tags[]:={"k": 2}'], ("state", "tags"), ["a", {"k": 2}]),
        (['state.tags{}:=["a", "z"]'], ("state", "tags"), ["a", "z"]),
    ],
)
def test_write_forms(texts: list[str], path: tuple[str, ...], expected: Any) -> None:
    node: Any = _apply(*texts)
    for key in path:
        node = node[key]
    assert node == expected


def test_compat_strips_and_skips_empty_values() -> None:
    assert parse_assignment("state.x=", compat=True) is None
    assert parse_assignment("state.x=   ", compat=True) is None
    assert _apply(" state.s =  padded  ", compat=True)["state"]["s"] == "padded"


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("no-equals-sign", ["'no-equals-sign'", "expected PATH=VALUE"]),
        ("=value", ["expected PATH=VALUE"]),
        ("a..b=1", ["empty segment"]),
        ("a.[]=1", ["empty segment"]),
        ("a[].b=1", ["may only end the path"]),
        ("state.x:=not json", ["'state.x:=not json'", "must be JSON"]),
        ("state.x:=", ["must be JSON"]),
        ("state.x=file://", ["file:// needs a file path"]),
        ("state.x=file:///no/such/file.json", ["/no/such/file.json", "file not found"]),
    ],
)
def test_parse_errors(text: str, fragments: list[str]) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_assignment(text)
    for fragment in fragments:
        assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("state.appTag.x=1", ["cannot write below state.appTag", "a string ('1.0')", "not an object"]),
        ("state.tags.x=1", ["cannot write below state.tags", "a list"]),
        ("state.appTag[]=x", ["state.appTag holds a string", "not a list"]),
        ("state.obj{}=x", ["state.obj holds an object", "not a list"]),
    ],
)
def test_apply_errors_leave_document_unchanged(text: str, fragments: list[str]) -> None:
    document = copy.deepcopy(BASE)
    assignment = parse_assignment(text)
    assert assignment is not None
    with pytest.raises(InvalidInput) as caught:
        apply_assignments(document, [assignment])
    for fragment in fragments:
        assert fragment in caught.value.message
    assert document == BASE


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"a": [1, 2]}', {"a": [1, 2]}),  # JSON first
        ("a: 1\nb: [x, y]\nwhen: 2021-11-02\n", {"a": 1, "b": ["x", "y"], "when": "2021-11-02"}),  # then YAML
        ("just some text", "just some text"),  # YAML of plain text is the string
        ("key: [unclosed\n", "key: [unclosed\n"),  # neither: the raw text
        ("", None),  # an empty file is YAML null
    ],
)
def test_file_values(tmp_path: Path, content: str, expected: Any) -> None:
    source = tmp_path / "value.txt"
    source.write_text(content)
    assert _apply(f"state.f=file://{source}")["state"]["f"] == expected


def test_file_list_appends_items(tmp_path: Path) -> None:
    source = tmp_path / "items.json"
    source.write_text(json.dumps(["b", "a"]))
    assert _apply(f"state.tags{{}}=file://{source}")["state"]["tags"] == ["a", "b"]
