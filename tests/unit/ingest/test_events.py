"""S3 notifications in SQS bodies -> object events with an order that never runs backwards."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive_search.ingest.events import (
    CREATED,
    REMOVED,
    MalformedMessage,
    parse_message_body,
    sequencer_value,
    sequencer_version,
    time_version,
)
from archive_search.model import ObjectRef
from tests.events import load_event

pytestmark = pytest.mark.unit

MAX_SIGNED_64 = 2**63 - 1


def test_test_event_is_acknowledged_without_object_events():
    assert parse_message_body(json.dumps(load_event("s3_test_event"))) == []


def test_created_event_decodes_the_key_and_takes_its_version_from_the_sequencer():
    (event,) = parse_message_body(json.dumps(load_event("s3_object_created_put")))
    assert event.ref == ObjectRef("archive", "inbox/2024/dawn report(1).txt")
    assert event.action == CREATED
    assert event.sequencer == "0055AED6DCD90281E5"
    assert event.version_id == "096fKKXTRTtl3on89fVO.nfljtsv6qko"


def test_delete_marker_created_is_a_removal_ordered_after_the_put():
    (put,) = parse_message_body(json.dumps(load_event("s3_object_created_put")))
    (removed,) = parse_message_body(json.dumps(load_event("s3_object_removed_delete_marker")))
    assert removed.action == REMOVED
    assert removed.event_name == "ObjectRemoved:DeleteMarkerCreated"
    assert removed.ref == put.ref
    assert removed.version > put.version


def test_an_event_without_sequencer_is_malformed_by_default():
    body = load_event("s3_object_created_put")
    del body["Records"][0]["s3"]["object"]["sequencer"]
    with pytest.raises(MalformedMessage, match="EVENT_ORDER=event-time"):
        parse_message_body(json.dumps(body))


def test_in_event_time_order_an_event_without_sequencer_gets_its_time_in_milliseconds():
    body = load_event("s3_object_created_put")
    del body["Records"][0]["s3"]["object"]["sequencer"]
    (event,) = parse_message_body(json.dumps(body), event_time_order=True)
    assert event.sequencer is None
    assert event.version == time_version("2024-05-29T10:15:30.123Z") == 1716977730123


def test_in_event_time_order_a_sequencer_still_orders_the_event():
    body = load_event("s3_object_created_put")
    (event,) = parse_message_body(json.dumps(body), event_time_order=True)
    assert event.version == sequencer_version(body["Records"][0]["s3"]["object"]["sequencer"])


def test_events_ingest_does_not_handle_are_skipped():
    body = load_event("s3_object_created_put")
    body["Records"][0]["eventName"] = "ObjectTagging:Put"
    assert parse_message_body(json.dumps(body)) == []


@pytest.mark.parametrize(
    "body", ["not json", "[]", '{"Records": "x"}', '{"Records": [{"eventName": "ObjectCreated:Put"}]}']
)
def test_a_body_that_is_not_an_s3_notification_is_malformed(body):
    with pytest.raises(MalformedMessage):
        parse_message_body(body)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("key", 5),
        ("key", ""),
        ("size", "big"),
        ("size", 1e400),
        ("sequencer", 5),
        ("sequencer", "not hex"),
        ("bucket", 7),
        ("eventTime", 5),
    ],
)
def test_a_record_with_a_field_of_the_wrong_type_or_value_is_malformed(field, value):
    body = load_event("s3_object_created_put")
    record = body["Records"][0]
    if field == "bucket":
        record["s3"]["bucket"]["name"] = value
    elif field == "eventTime":
        record["eventTime"] = value
    else:
        record["s3"]["object"][field] = value
    with pytest.raises(MalformedMessage):
        parse_message_body(json.dumps(body))


def test_left_padding_makes_sequencers_of_different_lengths_comparable():
    assert sequencer_value("0A") == sequencer_value("A") == 10
    assert sequencer_version("00FF") > sequencer_version("FE")


def test_sequencers_longer_than_64_bits_still_fit_a_signed_64_bit_version_in_order():
    short = "0FFFFFFFFFFFFFFF"  # 60 bits: the largest exact one
    long_a = "0A1B2C3D4E5F678900"  # 72 bits
    long_b = "0A1B2C3D4E5F679900"
    longer = "01" + "00" * 10  # 88 bits
    versions = [sequencer_version(s) for s in (short, long_a, long_b, longer)]
    assert versions == sorted(versions)
    assert len(set(versions)) == 4
    assert all(0 <= v <= MAX_SIGNED_64 for v in versions)


hex_sequencer = st.integers(min_value=0, max_value=2**100).map(lambda v: f"{v:X}")


@settings(max_examples=300, deadline=None)
@given(hex_sequencer, hex_sequencer, st.integers(min_value=0, max_value=6))
def test_version_mapping_never_inverts_the_sequencer_order(a, b, pad):
    a = "0" * pad + a
    assert 0 <= sequencer_version(a) <= MAX_SIGNED_64
    if sequencer_value(a) < sequencer_value(b):
        assert sequencer_version(a) <= sequencer_version(b)
    if sequencer_value(a) < 2**60 and sequencer_value(b) < 2**60:
        assert (sequencer_version(a) < sequencer_version(b)) == (sequencer_value(a) < sequencer_value(b))


def test_real_s3_sequencers_one_event_apart_get_distinct_versions():
    assert sequencer_version("0055AED6DCD90281E5") < sequencer_version("0055AED6DCD90281F0")
