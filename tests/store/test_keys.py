"""The Redis key layout: one hash tag, exactly the id, for every key of a context."""

from __future__ import annotations

import pytest
from redis.crc import key_slot

from interceptor.store.keys import ContextKeys, claim_key, decode_tag, encode_tag, id_from_doc_key, record_key

IDS = ["orders-2.7.0-v1-dev-9f2c1e7", "a{b}c", "}{", "{", "%7B", "%%7D%25", "ünï {x} :doc", "a*b?[c]"]


@pytest.mark.parametrize("context_id", IDS)
def test_all_keys_of_a_context_share_one_slot_and_map_back_to_the_id(context_id: str) -> None:
    keys = ContextKeys.of(context_id)
    slots = {key_slot(key.encode()) for key in (keys.doc, keys.history, keys.lease, keys.fence)}
    assert slots == {key_slot(encode_tag(context_id).encode())}
    assert id_from_doc_key(keys.doc) == context_id
    assert decode_tag(encode_tag(context_id)) == context_id


@pytest.mark.parametrize(
    ("context_id", "doc_key"),
    [("plain", "ctx:{plain}:doc"), ("a{b}", "ctx:{a%7Bb%7D}:doc"), ("50%", "ctx:{50%25}:doc")],
)
def test_keys_stay_readable(context_id: str, doc_key: str) -> None:
    assert ContextKeys.of(context_id).doc == doc_key


@pytest.mark.parametrize("key", ["ctx:{a}:history", "rec:{a}", "ctx:{a}b}:doc", "ctx:{}:doc", "other"])
def test_other_keys_are_not_mistaken_for_documents(key: str) -> None:
    assert id_from_doc_key(key) is None


def test_records_and_claims_of_one_key_are_distinct_keys_in_one_slot() -> None:
    assert record_key("evt{1}") == "rec:{evt%7B1%7D}"
    assert claim_key("evt{1}") == "rec:{evt%7B1%7D}:claim"
    assert key_slot(record_key("evt{1}").encode()) == key_slot(claim_key("evt{1}").encode())
