"""The local stack's settings: one environment variable each, checked before anything
starts (see docs/local-stack.md, Configuration)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class StartupError(Exception):
    """The stack cannot start; the message says why and what to change."""


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("0", "false", "no", "off", "")


def _bounded_int(low: int, high: int) -> Callable[[str], int]:
    def cast(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError("not a whole number") from None
        if not low <= number <= high:
            raise ValueError(f"not between {low} and {high}")
        return number

    return cast


_port = _bounded_int(1, 65535)


def _one_of(*choices: str) -> Callable[[str], str]:
    """A word from ``choices``, in any case: anything else failed deep in logging's setup
    (a traceback) or was quietly read as the default."""

    def cast(value: str) -> str:
        for choice in choices:
            if value.lower() == choice.lower():
                return choice
        raise ValueError(f"not one of {', '.join(choices)}")

    return cast


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError("not a number of seconds") from None
    if not 0.05 <= number <= 3600:
        raise ValueError("not between 0.05 and 3600")
    return number


_BUCKET_CHARS_RE = re.compile(r"[a-z0-9.-]+")
_IP_ADDRESS_RE = re.compile(r"\d+\.\d+\.\d+\.\d+")
_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def _bucket_name(value: str) -> str:
    """A name S3 takes for a general purpose bucket: moto takes ``My_Bucket``, AWS does not, so
    a stack tried locally would only fail on deploy."""
    if not 3 <= len(value) <= 63:
        raise ValueError("a bucket name has 3 to 63 characters")
    if not _BUCKET_CHARS_RE.fullmatch(value):
        raise ValueError("a bucket name has only lower-case letters, digits, dots and hyphens")
    if not (value[0].isalnum() and value[-1].isalnum()):
        raise ValueError("a bucket name must begin and end with a letter or digit")
    if ".." in value:
        raise ValueError("a bucket name has no two dots in a row")
    if _IP_ADDRESS_RE.fullmatch(value):
        raise ValueError("a bucket name is not an IP address")
    for affix in _BUCKET_PREFIXES:
        if value.startswith(affix):
            raise ValueError(f"a bucket name does not begin with {affix}")
    for affix in _BUCKET_SUFFIXES:
        if value.endswith(affix):
            raise ValueError(f"a bucket name does not end with {affix}")
    return value


@dataclass(frozen=True)
class LocalConfig:
    host: str = "127.0.0.1"
    moto_port: int = 4566
    search_port: int = 9200
    opensearch_url: str | None = None
    http_port: int = 8000
    http_concurrency: int = 4
    cors_allow_origins: str = ""
    inbox_dir: Path = Path("inbox")
    data_dir: Path = Path(".local")
    bucket: str = "archive"
    queue: str = "archive-ingest"
    index_alias: str = "articles"
    load_samples: bool = True
    inbox_interval: float = 1.0
    mirror_interval: float = 2.0
    snapshot_interval: float = 60.0
    # How often the events republisher runs (the template's schedule: every 5 minutes).
    republish_interval: float = 60.0
    visibility_timeout: int = 30
    log_level: str = "INFO"
    log_format: str = "text"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LocalConfig:
        env = os.environ if env is None else env

        def get(name: str, default: Any, cast: Callable[[str], Any] = str) -> Any:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                return cast(raw)
            except ValueError as exc:
                raise StartupError(f"{name}={raw!r} is not valid: {exc} (default: {default})") from None

        config = cls(
            host=get("LOCAL_HOST", cls.host),
            moto_port=get("MOTO_PORT", cls.moto_port, _port),
            search_port=get("SEARCH_PORT", cls.search_port, _port),
            opensearch_url=get("OPENSEARCH_URL", None, lambda v: v.rstrip("/")),
            http_port=get("HTTP_PORT", cls.http_port, _port),
            http_concurrency=get("HTTP_CONCURRENCY", cls.http_concurrency, _bounded_int(1, 64)),
            cors_allow_origins=get("CORS_ALLOW_ORIGINS", cls.cors_allow_origins),
            inbox_dir=get("INBOX_DIR", cls.inbox_dir, Path),
            data_dir=get("DATA_DIR", cls.data_dir, Path),
            bucket=get("BUCKET", cls.bucket, _bucket_name),
            queue=get("QUEUE", cls.queue),
            index_alias=get("INDEX_ALIAS", cls.index_alias),
            load_samples=get("LOAD_SAMPLES", cls.load_samples, _flag),
            inbox_interval=get("INBOX_INTERVAL", cls.inbox_interval, _seconds),
            mirror_interval=get("MIRROR_INTERVAL", cls.mirror_interval, _seconds),
            snapshot_interval=get("SNAPSHOT_INTERVAL", cls.snapshot_interval, _seconds),
            republish_interval=get("REPUBLISH_INTERVAL", cls.republish_interval, _seconds),
            visibility_timeout=get("VISIBILITY_TIMEOUT", cls.visibility_timeout, _bounded_int(0, 43200)),
            log_level=get(
                "LOG_LEVEL", cls.log_level, _one_of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
            ),
            log_format=get("LOG_FORMAT", cls.log_format, _one_of("text", "json")),
        )
        # Two parts on one port failed after moto and the engine had started, with an
        # "Address already in use" that named neither setting.
        ports = [("MOTO_PORT", config.moto_port), ("HTTP_PORT", config.http_port)]
        if not config.opensearch_url:
            ports.append(("SEARCH_PORT", config.search_port))
        for i, (name, port) in enumerate(ports):
            for other, other_port in ports[i + 1 :]:
                if port == other_port:
                    raise StartupError(f"{name} and {other} are both {port}: give each part its own port")
        return config

    @property
    def aws_endpoint(self) -> str:
        return f"http://{self.host}:{self.moto_port}"

    @property
    def http_url(self) -> str:
        return f"http://{self.host}:{self.http_port}"
