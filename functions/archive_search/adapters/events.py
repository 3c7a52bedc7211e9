"""EventBridge adapter: PutEvents in batches within the API's limits, failed entries retried.

A PutEvents request carries at most 10 entries whose sizes (computed as EventBridge
documents it: UTF-8 bytes of Source, DetailType, Detail and Resources, 14 for Time) add
up to less than 256 KB. The call can fail whole (throttled, network) or per entry
(``FailedEntryCount``); throttling and internal failures are retried with bounded,
jittered exponential backoff while the caller has time left, other errors are final.
``publish`` never raises: what could not be published comes back in the report.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from archive_search.ingest.outcomes import BusEvent, PublishReport

MAX_ENTRIES = 10
MAX_REQUEST_BYTES = 256 * 1024
# Error codes (of an entry or of the whole call) that are transient; any other is final.
RETRYABLE_CODES = frozenset(
    {"ThrottlingException", "Throttling", "InternalFailure", "InternalException", "ServiceUnavailable"}
)


@lru_cache(maxsize=1)
def cached_events_client():  # type: ignore[no-untyped-def]
    # One try per call and short timeouts: EventPublisher retries, within the Lambda's time.
    return boto3.client(
        "events", config=Config(retries={"total_max_attempts": 1}, connect_timeout=1, read_timeout=3)
    )


def entry_size(entry: dict[str, Any]) -> int:
    """The size EventBridge counts for one PutEvents entry."""
    size = 14 if entry.get("Time") is not None else 0
    for name in ("Source", "DetailType", "Detail"):
        size += len(str(entry.get(name) or "").encode())
    return size + sum(len(r.encode()) for r in entry.get("Resources") or [])


def batches(entries: Sequence[dict[str, Any]]) -> Iterator[list[int]]:
    """Indices of ``entries`` grouped into requests of at most ``MAX_ENTRIES`` entries and
    ``MAX_REQUEST_BYTES`` bytes, in order. An entry over the limit alone is its own batch
    (EventBridge refuses it and the report says so)."""
    batch: list[int] = []
    size = 0
    for i, entry in enumerate(entries):
        n = entry_size(entry)
        if batch and (len(batch) == MAX_ENTRIES or size + n > MAX_REQUEST_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(i)
        size += n
    if batch:
        yield batch


class EventPublisher:
    """Publishes ``BusEvent``s to one bus."""

    def __init__(
        self,
        bus_name: str,
        client: Any = None,
        *,
        max_attempts: int = 4,
        base_delay: float = 0.1,
        max_delay: float = 1.0,
        time_reserve_ms: int = 5_000,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.bus_name = bus_name
        self.client = client or cached_events_client()
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.time_reserve_ms = time_reserve_ms
        self.sleep = sleep

    def publish(
        self, events: Sequence[BusEvent], remaining_ms: Callable[[], int] | None = None
    ) -> PublishReport:
        report = PublishReport()
        entries = [self._entry(e) for e in events]
        for batch in batches(entries):
            self._send([(events[i], entries[i]) for i in batch], report, remaining_ms)
        return report

    def _entry(self, event: BusEvent) -> dict[str, Any]:
        return {
            "Source": event.source,
            "DetailType": event.detail_type,
            "Detail": event.detail_json(),
            "EventBusName": self.bus_name,
        }

    def _send(
        self,
        pending: list[tuple[BusEvent, dict[str, Any]]],
        report: PublishReport,
        remaining_ms: Callable[[], int] | None,
    ) -> None:
        attempt = 0
        while pending:
            if remaining_ms is not None and remaining_ms() < self.time_reserve_ms:
                # A call can take connect + read timeouts: never start one the Lambda cannot finish.
                report.unsent.extend(event for event, _ in pending)
                return
            attempt += 1
            retry: list[tuple[BusEvent, dict[str, Any], str]] = []
            try:
                response = self.client.put_events(Entries=[entry for _, entry in pending])
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                why = f"{code}: {exc.response.get('Error', {}).get('Message', '')}"
                if code not in RETRYABLE_CODES:
                    report.failed.extend((event, why) for event, _ in pending)
                    return
                retry = [(event, entry, why) for event, entry in pending]
            except BotoCoreError as exc:  # unreachable, timed out
                retry = [(event, entry, f"EventBridge unreachable: {exc}") for event, entry in pending]
            else:
                for (event, entry), result in zip(pending, response.get("Entries", []), strict=False):
                    code = result.get("ErrorCode")
                    if not code:
                        report.published += 1
                        continue
                    why = f"{code}: {result.get('ErrorMessage', '')}"
                    if code in RETRYABLE_CODES:
                        retry.append((event, entry, why))
                    else:
                        report.failed.append((event, why))
                answered = len(response.get("Entries", []))
                # An answer shorter than the request (never seen) must not count the rest as sent.
                retry.extend(
                    (event, entry, "no answer for this entry") for event, entry in pending[answered:]
                )
            if not retry:
                return
            delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
            out_of_time = remaining_ms is not None and remaining_ms() - self.time_reserve_ms < delay * 1000
            if attempt >= self.max_attempts or out_of_time:
                report.failed.extend((event, why) for event, _, why in retry)
                return
            self.sleep(delay)
            pending = [(event, entry) for event, entry, _ in retry]
