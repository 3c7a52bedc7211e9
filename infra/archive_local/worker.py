"""The ingest queue worker: the local stand-in for Lambda's SQS event source.

It long-polls the ingest queue, hands each batch to the real ingest handler as a
Lambda SQS event and, like the event source with ``ReportBatchItemFailures``, deletes
only the messages the handler did not report as failed. Failed messages become
visible again after the queue's visibility timeout and, after the redrive limit, the
queue moves them to the DLQ, as in AWS.

moto's S3 notifications carry no ``sequencer``; ``stamp`` (``Sequencers.stamp`` in the
stack) puts in the one the S3 front gave the write before the handler sees the body.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import unquote_plus

from archive_local.aws import REDRIVE_MAX_RECEIVES
from archive_local.lambda_events import LambdaContext, sqs_event

log = logging.getLogger("worker")

Handler = Callable[[dict[str, Any], Any], Any]


def messages_to_delete(messages: Sequence[Mapping[str, Any]], result: Any) -> list[Mapping[str, Any]]:
    """The messages of a batch that succeeded, judged as Lambda judges the handler's
    response under ``ReportBatchItemFailures``:

    - no response, or no ``batchItemFailures`` entries: the whole batch succeeded;
    - ``batchItemFailures`` naming message ids of this batch: all but those succeeded;
    - a failure entry without a valid id of this batch (or a malformed response): the
      whole batch failed, so nothing is deleted.

    A handler that raised is passed here as the exception: the whole batch failed.
    """
    if isinstance(result, BaseException):
        return []
    if result is None:
        return list(messages)
    if not isinstance(result, Mapping):
        return []
    failures = result.get("batchItemFailures")
    if failures is None:
        return list(messages)
    if not isinstance(failures, list):
        return []
    ids = {m["MessageId"] for m in messages}
    failed: set[str] = set()
    for entry in failures:
        item = entry.get("itemIdentifier") if isinstance(entry, Mapping) else None
        if not isinstance(item, str) or item not in ids:
            return []
        failed.add(item)
    return [m for m in messages if m["MessageId"] not in failed]


class IngestWorker:
    """Long-polls ``queue_url`` and calls ``handler`` per batch until ``stop()``."""

    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        queue_arn: str,
        handler: Handler,
        *,
        batch_size: int = 10,
        wait_seconds: int = 2,
        function_name: str = "archive-search-ingest",
        timeout_seconds: float = 60.0,
        max_receives: int = REDRIVE_MAX_RECEIVES,
        skip: Callable[[Mapping[str, Any]], bool] | None = None,
        stamp: Callable[[str], str] | None = None,
    ) -> None:
        self.sqs = sqs
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self.handler = handler
        self.batch_size = batch_size
        self.wait_seconds = wait_seconds
        self.function_name = function_name
        self.timeout_seconds = timeout_seconds
        self.max_receives = max_receives
        # Messages the handler must not see (deleted unprocessed): the stack's own restores
        # of objects the index already holds.
        self.skip = skip
        # Gives each S3 record of a message body its sequencer (None: bodies go as received).
        self.stamp = stamp
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ingest-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception:  # the loop must outlive a hiccup of the local services
                log.exception("polling the ingest queue failed; retrying in 1 s")
                self._stop.wait(1.0)

    def poll_once(self) -> int:
        """Receive one batch (waiting up to ``wait_seconds``), run the handler on it and
        delete what succeeded. Returns the number of messages received."""
        response = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=self.wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        if self.skip and messages:
            skipped = [m for m in messages if self.skip(m)]
            if skipped:
                self._delete(skipped)
                messages = [m for m in messages if m not in skipped]
        if messages:
            self.process(messages)
        return len(response.get("Messages", []))

    def _delete(self, messages: Sequence[Mapping[str, Any]]) -> None:
        self.sqs.delete_message_batch(
            QueueUrl=self.queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
        )

    def _stamped(self, message: Mapping[str, Any]) -> Mapping[str, Any]:
        if self.stamp is None:
            return message
        body = self.stamp(message["Body"])
        if body == message["Body"]:
            return message
        return {**{k: v for k, v in message.items() if k != "MD5OfBody"}, "Body": body}

    def process(self, messages: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        messages = [self._stamped(m) for m in messages]
        event = sqs_event(messages, self.queue_arn)
        context = LambdaContext(self.function_name, self.timeout_seconds)
        result: Any
        try:
            result = self.handler(event, context)
        except Exception as exc:  # as in Lambda: an invocation error fails the whole batch
            log.exception("ingest handler raised; all %d message(s) will be retried", len(messages))
            result = exc
        succeeded = messages_to_delete(messages, result)
        if succeeded:
            self._delete(succeeded)
        log.info("ingest batch: %d message(s), %d done", len(messages), len(succeeded))
        done = {m["MessageId"] for m in succeeded}
        for message in messages:
            if message["MessageId"] not in done:
                self._log_failure(message)
        return list(succeeded)

    def _log_failure(self, message: Mapping[str, Any]) -> None:
        receives = int((message.get("Attributes") or {}).get("ApproximateReceiveCount", "1"))
        fate = (
            "it goes to the DLQ"
            if receives >= self.max_receives
            else f"retried after the visibility timeout ({receives} of {self.max_receives} receives)"
        )
        log.warning("ingest failed for %s: %s", ", ".join(object_keys(message)) or message["MessageId"], fate)


class QuietRestores:
    """The restored objects whose notifications the worker drops: key -> ETag of the
    restore. A notification is dropped only when every record in it is an ObjectCreated
    of such a key with that ETag (a later upload of the key has another ETag or comes
    after the one notification is used up)."""

    def __init__(self) -> None:
        self._etags: dict[str, str] = {}
        self._lock = threading.Lock()

    def add(self, restored: Mapping[str, str]) -> None:
        with self._lock:
            self._etags.update(restored)

    def __len__(self) -> int:
        return len(self._etags)

    def __call__(self, message: Mapping[str, Any]) -> bool:
        try:
            records = json.loads(message["Body"]).get("Records") or []
            pairs = [
                (unquote_plus(r["s3"]["object"]["key"]), str(r["s3"]["object"].get("eTag", "")).strip('"'))
                for r in records
                if str(r.get("eventName", "")).startswith("ObjectCreated")
            ]
        except (ValueError, TypeError, KeyError, AttributeError):
            return False
        with self._lock:
            if not pairs or len(pairs) != len(records) or any(self._etags.get(k) != e for k, e in pairs):
                return False
            for key, _ in pairs:
                del self._etags[key]
        return True


def object_keys(message: Mapping[str, Any]) -> list[str]:
    """The decoded S3 keys a notification message is about (for log lines)."""
    try:
        records = json.loads(message["Body"]).get("Records") or []
        return [unquote_plus(r["s3"]["object"]["key"]) for r in records]
    except (ValueError, TypeError, KeyError, AttributeError):
        return []
