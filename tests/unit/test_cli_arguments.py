"""Arguments the CLI cannot act on are usage errors (exit 2), never a quiet default."""

from __future__ import annotations

import pytest

from archive_search import cli

pytestmark = pytest.mark.unit

DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/archive-ingest-dlq"
QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/archive-ingest"


@pytest.mark.parametrize("limit", ["-1", "0", "x"])
def test_a_redrive_limit_that_is_not_a_positive_count_is_a_usage_error(limit, capsys):
    with pytest.raises(SystemExit) as refused:
        cli.main(["redrive", "--dlq-url", DLQ, "--queue-url", QUEUE, "--limit", limit])
    assert refused.value.code == 2
    assert "--limit" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["status"], ["status", "inbox/a.txt"], ["reindex"], ["line-stats"]])
@pytest.mark.parametrize("bucket", ["", " "])
def test_an_empty_bucket_name_is_a_usage_error_not_the_default_bucket(command, bucket, capsys):
    with pytest.raises(SystemExit) as refused:
        cli.main([*command, "--bucket", bucket])
    assert refused.value.code == 2
    assert "--bucket" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["status"], ["status", "inbox/a.txt"], ["reindex"], ["line-stats"]])
@pytest.mark.parametrize("bucket", ["Bad Name!", "s3://archive", "archive/inbox"])
def test_a_bucket_name_s3_cannot_have_is_a_usage_error(command, bucket, capsys):
    # It reached botocore, whose validation error came back as a multi-line
    # "search_unavailable: S3 unreachable" with exit 1.
    with pytest.raises(SystemExit) as refused:
        cli.main([*command, "--bucket", bucket])
    assert refused.value.code == 2
    err = capsys.readouterr().err
    assert "--bucket" in err and "not a bucket name" in err


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--max-events", "0"), ("--max-events", "x"), ("--after-seconds", "-1"), ("--time-limit", "nan")],
)
def test_republish_events_refuses_a_bound_it_cannot_keep(flag, value, capsys):
    with pytest.raises(SystemExit) as refused:
        cli.main(["republish-events", flag, value])
    assert refused.value.code == 2
    assert flag in capsys.readouterr().err


def test_republish_events_without_a_bus_says_so(monkeypatch, capsys):
    from archive_search.ingest import batch

    monkeypatch.setattr(batch, "default_events", lambda: None)
    assert cli.main(["republish-events"]) == 1
    assert "EVENT_BUS_NAME" in capsys.readouterr().err


@pytest.mark.parametrize("key", [""])
def test_an_empty_status_key_is_a_usage_error_not_a_lookup(key, capsys):
    # It looked up the receipt of s3://<bucket>/ and answered not_found for it.
    with pytest.raises(SystemExit) as refused:
        cli.main(["status", key])
    assert refused.value.code == 2
    assert "KEY" in capsys.readouterr().err
