"""The stack's settings come from the environment, with the documented defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive_local.stack import LocalConfig, StartupError

pytestmark = pytest.mark.unit


def test_defaults_are_the_documented_ports_and_paths() -> None:
    config = LocalConfig.from_env({})
    assert (config.moto_port, config.search_port, config.http_port) == (4566, 9200, 8000)
    assert config.aws_endpoint == "http://127.0.0.1:4566"
    assert config.http_url == "http://127.0.0.1:8000"
    assert config.inbox_dir == Path("inbox")
    assert config.data_dir == Path(".local")
    assert config.bucket == "archive"
    assert config.opensearch_url is None
    assert config.load_samples is True


def test_every_setting_can_be_overridden() -> None:
    config = LocalConfig.from_env(
        {
            "MOTO_PORT": "5000",
            "HTTP_PORT": "8080",
            "SEARCH_PORT": "9300",
            "OPENSEARCH_URL": "https://search.example:9200/",
            "INBOX_DIR": "/tmp/drop",
            "DATA_DIR": "/var/archive",
            "BUCKET": "news",
            "LOAD_SAMPLES": "false",
            "INBOX_INTERVAL": "0.5",
            "REPUBLISH_INTERVAL": "5",
        }
    )
    assert config.aws_endpoint == "http://127.0.0.1:5000"
    assert config.http_port == 8080
    assert config.opensearch_url == "https://search.example:9200"
    assert config.inbox_dir == Path("/tmp/drop")
    assert config.data_dir == Path("/var/archive")
    assert config.bucket == "news"
    assert config.load_samples is False
    assert config.inbox_interval == 0.5
    assert config.republish_interval == 5.0


def test_a_malformed_port_is_refused_with_the_variable_named() -> None:
    with pytest.raises(StartupError, match="HTTP_PORT"):
        LocalConfig.from_env({"HTTP_PORT": "eighty"})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HTTP_PORT", "70000"),
        ("MOTO_PORT", "0"),
        ("SEARCH_PORT", "-1"),
        ("HTTP_CONCURRENCY", "0"),
        ("HTTP_CONCURRENCY", "many"),
        ("MIRROR_INTERVAL", "-2"),
        ("REPUBLISH_INTERVAL", "0"),
        ("VISIBILITY_TIMEOUT", "1e9"),
        ("LOG_LEVEL", "VERBOSE"),
        ("LOG_FORMAT", "xml"),
    ],
)
def test_an_out_of_range_setting_is_refused_with_the_variable_named(name: str, value: str) -> None:
    with pytest.raises(StartupError, match=name):
        LocalConfig.from_env({name: value})


@pytest.mark.parametrize("port", ["MOTO_PORT", "SEARCH_PORT"])
def test_two_parts_on_one_port_is_refused_with_both_variables_named(port: str) -> None:
    with pytest.raises(StartupError, match=f"HTTP_PORT and {port}|{port} and HTTP_PORT"):
        LocalConfig.from_env({port: "8000"})


def test_the_engine_port_may_repeat_another_when_opensearch_url_is_set() -> None:
    config = LocalConfig.from_env({"SEARCH_PORT": "8000", "OPENSEARCH_URL": "http://127.0.0.1:9200"})
    assert (config.search_port, config.http_port) == (8000, 8000)


def test_a_lower_case_log_level_is_accepted() -> None:
    assert LocalConfig.from_env({"LOG_LEVEL": "debug"}).log_level == "DEBUG"


def test_an_invalid_port_ends_the_command_with_one_line_and_no_traceback() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "archive_local.stack"],
        env={"HTTP_PORT": "70000", "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "archive-search-local: HTTP_PORT='70000' is not valid: not between 1 and 65535 (default: 8000)"
    ]


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[LocalConfig]:
    """The stack's ``run``, recorded instead of started."""
    from archive_local import stack

    started: list[LocalConfig] = []
    monkeypatch.setattr(stack, "run", lambda config, *_: started.append(config))
    return started


def test_help_describes_the_stack_and_starts_nothing(runs, capsys) -> None:
    from archive_local.stack import main

    with pytest.raises(SystemExit) as done:
        main(["--help"])

    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "HTTP_PORT" in out and "docs/configuration.md" in out
    assert runs == []


def test_an_argument_is_a_usage_error_naming_the_settings(runs, capsys) -> None:
    from archive_local.stack import main

    with pytest.raises(SystemExit) as done:
        main(["--port", "8080"])

    assert done.value.code == 2
    assert "environment" in capsys.readouterr().err
    assert runs == []


def test_a_second_stack_on_the_same_data_dir_is_refused_before_it_starts(tmp_path: Path) -> None:
    # Two stacks on one DATA_DIR (other ports, same clone) wrote one bucket mirror and
    # journal and one engine snapshot from two processes.
    import fcntl
    import socket
    import threading

    from archive_local.stack import run

    (tmp_path / "stack.lock").write_text("4242\n")
    with open(tmp_path / "stack.lock") as held, socket.socket() as taken:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        taken.bind(("127.0.0.1", 0))  # a port in use: without the lock check, run stops here
        taken.listen()
        config = LocalConfig(
            data_dir=tmp_path, inbox_dir=tmp_path / "inbox", http_port=taken.getsockname()[1]
        )
        with pytest.raises(StartupError, match=r"DATA_DIR .* another stack \(pid 4242\)"):
            run(config, threading.Event())


def test_an_inbox_dir_that_is_a_file_is_refused_before_the_stack_starts(tmp_path: Path) -> None:
    # The watcher's mkdir failed on every poll: a traceback in the log each second, for ever.
    import socket
    import threading

    from archive_local.stack import run

    (tmp_path / "inbox").write_text("not a folder")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))  # a port in use: without the check, run stops here
        taken.listen()
        config = LocalConfig(
            data_dir=tmp_path / "data", inbox_dir=tmp_path / "inbox", http_port=taken.getsockname()[1]
        )
        with pytest.raises(StartupError, match=r"INBOX_DIR .*inbox is not a folder"):
            run(config, threading.Event())


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("My_Bucket", "lower-case letters, digits, dots and hyphens"),
        ("ab", "3 to 63 characters"),
        ("a" * 64, "3 to 63 characters"),
        ("-archive", "begin and end with a letter or digit"),
        ("archive.", "begin and end with a letter or digit"),
        ("news..archive", "two dots"),
        ("192.168.1.10", "IP address"),
        ("xn--archive", "xn--"),
        ("archive-s3alias", "-s3alias"),
    ],
)
def test_a_bucket_name_s3_would_refuse_is_refused_at_start(value: str, reason: str) -> None:
    """moto takes My_Bucket; AWS would not, so a stack tried locally would fail on deploy."""
    with pytest.raises(StartupError, match="BUCKET") as refused:
        LocalConfig.from_env({"BUCKET": value})
    assert reason in str(refused.value), str(refused.value)


@pytest.mark.parametrize("value", ["archive", "news-archive-2026", "news.archive", "a1b"])
def test_a_bucket_name_s3_takes_is_accepted(value: str) -> None:
    assert LocalConfig.from_env({"BUCKET": value}).bucket == value
