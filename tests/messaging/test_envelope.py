"""The envelope and the registry: only registered, valid messages go out; anything else is refused on the way in."""

import json

import pytest

from services.messaging.correlation import correlation
from services.messaging.envelope import Envelope, parse
from services.messaging.registry import InvalidMessage, UnknownMessageType, all_types

DISTRICT = {"id": 7, "name": "Północ", "slug": "polnoc", "version": 1}


def test_a_new_message_is_a_cloudevent_with_the_current_correlation_id():
    with correlation("req-abcdefgh"):
        envelope = Envelope.new("district.created", DISTRICT)
    raw = json.loads(envelope.to_json())
    assert set(raw) == {"specversion", "id", "source", "type", "time", "datacontenttype", "data", "correlationid"}
    assert raw["specversion"] == "1.0"
    assert raw["source"] == "/osl/partners"
    assert raw["correlationid"] == "req-abcdefgh"
    assert raw["data"] == DISTRICT
    assert "Północ" in envelope.to_json()  # UTF-8, not \u escapes


def test_publishing_an_unregistered_type_raises():
    with pytest.raises(UnknownMessageType, match="district.exploded"):
        Envelope.new("district.exploded", DISTRICT)


@pytest.mark.parametrize("bad", [{**DISTRICT, "slug": "Zła Nazwa"}, {**DISTRICT, "version": 0},
                                 {k: v for k, v in DISTRICT.items() if k != "name"}, {**DISTRICT, "extra": 1},
                                 {**DISTRICT, "id": "7"}])
def test_publishing_data_that_fails_its_schema_raises(bad):
    with pytest.raises(InvalidMessage):
        Envelope.new("district.updated", bad)


def test_parse_reads_back_what_was_written():
    envelope = Envelope.new("district.deleted", DISTRICT)
    assert parse(envelope.to_json().encode()) == envelope


@pytest.mark.parametrize(("body", "reason"), [
    (b"\xff\xfe", "not JSON"),
    (b"[]", "not a JSON object"),
    (b'{"specversion": "1.0"}', "lacks id, source, type, time, datacontenttype, data"),
    (json.dumps({"specversion": "0.3", "id": "1", "source": "/x", "type": "district.created", "time": "t",
                 "datacontenttype": "application/json", "data": DISTRICT}).encode(), "specversion"),
])
def test_parse_refuses_malformed_envelopes(body, reason):
    with pytest.raises(InvalidMessage, match=reason):
        parse(body)


def test_every_type_has_one_schema_and_a_known_source():
    for name, kind in all_types().items():
        assert kind.name == name
        assert kind.source in ("partners", "events", "notify")
