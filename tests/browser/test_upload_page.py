"""The page's uploads of many files in headless Chromium: how many go at once, how many one drop
takes, how their receipts are followed. The write API and the bucket are played by the browser's
request routing, so a test holds requests open or answers "not yet" for as long as it needs; the
page itself is served by the local stack as ``make run`` starts it."""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.test_local_stack import LocalStack, eventually
from tests.e2e.test_local_stack import stack as stack  # the e2e suite's fixture

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

AT_ONCE = 4  # files sent, and status checks in flight, at once (docs/web.md)
MAX_DROP = 100  # files one drop takes (docs/web.md)


def _until(page: Any, expression: str, timeout: float = 30.0) -> Any:
    # Polled from here: the page's CSP forbids the string evaluation wait_for_function uses.
    return eventually(lambda: page.evaluate(expression), timeout, 0.1)


def _open_upload_view(page: Any, stack: LocalStack) -> None:
    page.goto(f"{stack.url}/?view=upload")
    _until(page, "document.body.dataset.uploads === 'available'")
    page.wait_for_selector("#upload-view:not([hidden])")


def _drop(page: Any, names: list[str]) -> None:
    """Drops files of those names on the drop zone, as a person drags them from a folder."""
    page.evaluate(
        """(names) => {
          const data = new DataTransfer();
          for (const name of names) data.items.add(new File([`Notice ${name}\\n\\nText.`], name, { type: "text/plain" }));
          document.querySelector("#dropzone").dispatchEvent(new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: data }));
        }""",
        names,
    )


def _when(page: Any, check: Any, timeout: float = 30.0) -> Any:
    """The first truthy result of check, letting the routes answer the page in between (the
    sync API hands them requests only while it is called)."""
    return eventually(lambda: (page.evaluate("0"), check())[1], timeout, 0.05)


def _pause(page: Any, seconds: float) -> None:
    """Real time for the page to send whatever it would, its requests handed to the routes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page.evaluate("0")
        time.sleep(0.05)


def _filename(route: Any) -> str:
    return json.loads(route.request.post_data)["filename"]


class FakeWriteApi:
    """``POST /uploads`` and the bucket behind it, played by the page's request routing. A
    slot request is held until the test answers it (``hold_slots``) or answered at once with a
    slot whose upload the bucket takes; a status check is held (``hold_checks``) or answered
    "no receipt yet". Both are kept, in the order the page sent them."""

    def __init__(self, page: Any, stack: LocalStack, *, hold_slots: bool = False, hold_checks: bool = False):
        self.slots: list[Any] = []
        self.checks: list[Any] = []
        self.stack = stack
        self.hold_slots, self.hold_checks = hold_slots, hold_checks
        page.route(re.compile(r".*/uploads$"), self._slot)
        page.route(re.compile(r".*/fake-bucket$"), lambda route: route.fulfill(status=204))
        page.route(re.compile(r".*/ingest/status\?key=uploads/"), self._check)

    def _slot(self, route: Any) -> None:
        if route.request.post_data == "{}":  # the page's probe for the write API
            route.continue_()
        else:
            self.slots.append(route)
            if not self.hold_slots:
                route.fulfill(status=200, json=self._slot_for(_filename(route)))

    def _slot_for(self, name: str) -> dict[str, Any]:
        return {
            "key": f"uploads/{name}",
            "status_url": f"/ingest/status?key=uploads/{name}",
            "upload": {"url": f"{self.stack.url}/fake-bucket", "fields": {"key": f"uploads/{name}"}},
            "max_bytes": 1_048_576,
        }

    def _check(self, route: Any) -> None:
        self.checks.append(route)
        if not self.hold_checks:
            route.fulfill(status=404, json={"error": {"code": "not_found", "message": "no receipt yet"}})


def _refuse(route: Any) -> None:
    route.fulfill(
        status=400, json={"error": {"code": "invalid_request", "message": "not a format ingest reads"}}
    )


def test_a_large_drop_uploads_a_few_files_at_a_time_in_order_and_the_rest_wait(
    page: Any, stack: LocalStack
) -> None:
    # Dropping a folder's worth of files fired a request for every one of them at once.
    api = FakeWriteApi(page, stack, hold_slots=True)
    _open_upload_view(page, stack)
    names = [f"notice-{n:02}.txt" for n in range(12)]
    _drop(page, names)

    _when(page, lambda: len(api.slots) >= AT_ONCE)
    _pause(page, 0.5)  # time for any more requests the page would send
    assert [_filename(route) for route in api.slots] == names[:AT_ONCE]
    rows = page.eval_on_selector_all("#uploads li .outcome", "spans => spans.map(s => s.textContent)")
    assert rows == ["uploading…"] * AT_ONCE + ["waiting"] * (len(names) - AT_ONCE)

    for answered in range(len(names)):  # each answer lets the next waiting file go, in order
        _when(page, lambda answered=answered: len(api.slots) > answered)
        _refuse(api.slots[answered])
        _pause(page, 0.05)
        assert len(api.slots) <= answered + 1 + AT_ONCE
    assert [_filename(route) for route in api.slots] == names
    _until(
        page,
        f"document.querySelector('#upload-summary').textContent === '{len(names)} of {len(names)} files settled'",
    )


def test_status_checks_of_many_files_are_a_few_at_a_time(page: Any, stack: LocalStack) -> None:
    api = FakeWriteApi(page, stack, hold_checks=True)
    _open_upload_view(page, stack)
    _drop(page, [f"tide-{n:02}.txt" for n in range(10)])

    _when(page, lambda: len(api.checks) >= AT_ONCE)
    _pause(page, 3)  # every file is in the bucket and due a check by now
    assert len(api.checks) == AT_ONCE
    api.checks[0].fulfill(status=404, json={"error": {"code": "not_found", "message": "no receipt yet"}})
    _when(page, lambda: len(api.checks) == AT_ONCE + 1)


def test_a_drop_over_the_bound_uploads_the_first_files_and_names_the_rest(
    page: Any, stack: LocalStack
) -> None:
    # Every file of a drop was sent, however many; a bound must not drop the rest unsaid.
    api = FakeWriteApi(page, stack, hold_slots=True)
    _open_upload_view(page, stack)
    names = [f"page-{n:03}.txt" for n in range(MAX_DROP + 3)]
    _drop(page, names)

    _when(page, lambda: len(api.slots) >= AT_ONCE)
    assert page.locator("#uploads li").count() == MAX_DROP
    assert page.locator("#uploads li .file").last.inner_text() == names[MAX_DROP - 1]
    said = page.get_by_role("alert").filter(has_text="not sent").inner_text()
    assert f"{MAX_DROP} files" in said and "3 files" in said
    assert names[MAX_DROP] in said and names[-1] in said


def _advance(page: Any, ms: int) -> None:
    """Moves the page's clock on by ms, a second at a time, letting each check it makes be
    answered in between (an answer comes in real time, the next wait starts from it)."""
    for _ in range(ms // 1000):
        page.clock.run_for(1000)
        time.sleep(0.02)
        page.evaluate("0")  # lets the routes answer what the page sent


def test_a_file_still_queued_when_the_page_stops_following_it_can_be_checked_again(
    page: Any, stack: LocalStack
) -> None:
    # After five minutes the row said "still queued" and nothing could ask again but a reload,
    # which forgets every row.
    page.clock.install()
    api = FakeWriteApi(page, stack)
    _open_upload_view(page, stack)
    _drop(page, ["slow.txt"])
    _when(page, lambda: api.checks)

    eventually(
        lambda: (_advance(page, 10_000), page.locator("#uploads li[data-outcome='queued']").count())[1],
        120,
        0,
    )
    assert page.locator("#uploads li .outcome").inner_text().startswith("still queued")
    checked = len(api.checks)
    _pause(page, 0.2)
    _advance(page, 60_000)
    assert len(api.checks) == checked  # it is no longer followed...

    again = page.get_by_role("button", name="Check again: slow.txt")
    again.focus()
    page.keyboard.press("Enter")  # ...until asked
    assert page.locator("#uploads li .outcome").inner_text() == "queued"
    assert page.evaluate("document.activeElement.closest('#uploads li') !== null")
    assert page.inner_text("#upload-summary") == "0 of 1 files settled"
    page.unroute(re.compile(r".*/ingest/status\?key=uploads/"))
    page.route(
        re.compile(r".*/ingest/status\?key=uploads/"),
        lambda route: route.fulfill(
            status=200, json={"key": "uploads/slow.txt", "outcome": "indexed", "articles": 1}
        ),
    )
    _advance(page, 2000)
    _until(page, "document.querySelector('#upload-summary').textContent === '1 of 1 files settled'")
    assert page.locator("#uploads li").inner_text() == "slow.txt indexed"


def _keys(checks: list[Any]) -> list[str]:
    return [parse_qs(urlsplit(route.request.url).query)["key"][0] for route in checks]


def test_status_checks_back_off_and_pause_while_the_page_is_hidden(page: Any, stack: LocalStack) -> None:
    # A file was checked every second for five minutes, whether anyone looked or not.
    page.clock.install()
    api = FakeWriteApi(page, stack)
    _open_upload_view(page, stack)
    _drop(page, ["ebb.txt"])
    _when(page, lambda: api.checks)

    _advance(page, 60_000)
    in_a_minute = len(api.checks)
    assert 4 <= in_a_minute <= 10  # checked less and less often, never given up within the minute

    page.evaluate(
        """() => {
          Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
          Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
          document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    _advance(page, 60_000)
    assert len(api.checks) == in_a_minute  # nothing while nobody looks

    page.evaluate(
        """() => {
          Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
          Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
          document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    _when(page, lambda: len(api.checks) > in_a_minute, 10)  # at once when seen
    assert set(_keys(api.checks)) == {"uploads/ebb.txt"}


def test_files_waiting_when_the_connection_drops_wait_for_it_and_then_upload(
    page: Any, stack: LocalStack
) -> None:
    # Offline mid-batch, every file still waiting failed at once, each to be tried again by hand.
    api = FakeWriteApi(page, stack, hold_slots=True)
    _open_upload_view(page, stack)
    names = [f"gale-{n}.txt" for n in range(8)]
    _drop(page, names)
    _when(page, lambda: len(api.slots) == AT_ONCE)

    page.context.set_offline(True)
    for route in api.slots[:AT_ONCE]:
        _refuse(route)  # answered as the connection went: the files behind them are due
    _until(
        page,
        "[...document.querySelectorAll('#uploads .outcome')].slice(4).every(s => s.textContent === 'waiting for the connection')",
    )
    assert page.locator("#uploads li[data-outcome='failed']").count() == 0

    page.context.set_offline(False)
    _when(page, lambda: len(api.slots) == len(names))
    assert [_filename(route) for route in api.slots] == names
    for route in api.slots[AT_ONCE:]:
        _refuse(route)
    _until(
        page,
        f"document.querySelector('#upload-summary').textContent === '{len(names)} of {len(names)} files settled'",
    )


def test_a_file_whose_name_ends_in_a_space_uploads_under_its_trimmed_name(
    page: Any, stack: LocalStack
) -> None:
    # The write API refuses a name with a space at either end ("send the name trimmed"), which
    # a person dropping a file so named from their desktop could only fix by renaming it.
    _open_upload_view(page, stack)
    text = b"Harbour notes\n\nThe harbour notes were read aloud at the quay on Monday by the port clerk.\n"
    page.set_input_files("#files", [{"name": "harbour notes.txt ", "mimeType": "text/plain", "buffer": text}])
    _until(page, "document.querySelector('#upload-summary').textContent === '1 of 1 files settled'", 60)

    assert page.locator("#uploads li .outcome").inner_text() == "indexed"


def test_leaving_the_page_with_files_not_yet_sent_asks_first(page: Any, stack: LocalStack) -> None:
    # A reload or a closed tab with files still waiting forgot them without a word.
    api = FakeWriteApi(page, stack, hold_slots=True)
    _open_upload_view(page, stack)
    page.click("#upload-heading")  # the browser asks only on a page a person has used
    _drop(page, [f"swell-{n}.txt" for n in range(6)])
    _when(page, lambda: len(api.slots) == AT_ONCE)

    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    _when(page, lambda: asked, 10)
    assert asked == ["beforeunload"]
    assert page.locator("#uploads li").count() == 6  # the person stayed, and the files with them


def test_leaving_the_page_with_a_file_that_failed_to_send_asks_first(page: Any, stack: LocalStack) -> None:
    # A file that failed on the way is not in the bucket: leaving forgot it, and its "Try again".
    page.route(
        re.compile(r".*/uploads$"),
        lambda route: (
            route.continue_() if route.request.post_data == "{}" else route.abort("connectionreset")
        ),
    )
    _open_upload_view(page, stack)
    page.click("#upload-heading")  # the browser asks only on a page a person has used
    _drop(page, ["squall.txt"])
    page.wait_for_selector("#uploads li[data-outcome='failed']")

    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    _when(page, lambda: asked, 10)
    assert asked == ["beforeunload"]


def _fail_every_slot(page: Any) -> None:
    page.route(
        re.compile(r".*/uploads$"),
        lambda route: (
            route.continue_() if route.request.post_data == "{}" else route.abort("connectionreset")
        ),
    )


def test_two_files_of_one_name_in_a_drop_are_told_apart_in_their_rows(page: Any, stack: LocalStack) -> None:
    # Two "notes.txt" from two folders showed two identical rows, each with a "Try again" button
    # of the same accessible name, so a screen reader could not tell which was which.
    _fail_every_slot(page)
    _open_upload_view(page, stack)
    _drop(page, ["notes.txt", "notes.txt"])
    _until(page, "document.querySelectorAll(\"#uploads li[data-outcome='failed']\").length === 2")

    rows = page.locator("#uploads li").all_inner_texts()
    assert len(set(rows)) == 2
    assert page.get_by_role("button", name="Try again: notes.txt", exact=True).count() == 1
    again = page.get_by_role("button", name="Try again: notes.txt (2)", exact=True)
    assert again.count() == 1
    said = page.locator("#upload-outcome p").all_inner_texts()
    assert len(set(said)) == 2

    again.click()
    _until(page, "document.querySelectorAll(\"#uploads li[data-outcome='failed']\").length === 2")
    assert page.locator("#uploads li").all_inner_texts() == rows  # the same row, sent again


def test_an_empty_file_is_refused_unsent_and_the_rest_of_the_drop_goes_on(
    page: Any, stack: LocalStack
) -> None:
    # A 0-byte file was sent, stored and then rejected by ingest, a round trip for nothing.
    api = FakeWriteApi(page, stack, hold_slots=True)
    _open_upload_view(page, stack)
    page.evaluate(
        """() => {
          const data = new DataTransfer();
          data.items.add(new File([], "blank.txt", { type: "text/plain" }));
          data.items.add(new File(["Notice\\n\\nText."], "kept.txt", { type: "text/plain" }));
          document.querySelector("#dropzone").dispatchEvent(new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: data }));
        }"""
    )
    _when(page, lambda: api.slots)
    _pause(page, 0.3)
    assert [_filename(route) for route in api.slots] == ["kept.txt"]
    empty = page.locator("#uploads li").first
    assert empty.get_attribute("data-outcome") == "rejected"
    assert "empty" in empty.locator(".outcome").inner_text()
    assert page.inner_text("#upload-summary") == "1 of 2 files settled"


def test_files_chosen_over_the_bound_are_named_as_chosen_not_dropped(page: Any, stack: LocalStack) -> None:
    # The alert said "of a drop" and "Drop them again" to a person who chose files in the dialog.
    api = FakeWriteApi(page, stack, hold_slots=True)
    _open_upload_view(page, stack)
    names = [f"leaf-{n:03}.txt" for n in range(MAX_DROP + 2)]
    page.set_input_files(
        "#files", [{"name": name, "mimeType": "text/plain", "buffer": b"Leaf"} for name in names]
    )

    _when(page, lambda: len(api.slots) >= AT_ONCE)
    said = page.get_by_role("alert").filter(has_text="not sent").inner_text()
    assert "drop" not in said.lower()
    assert "chose" in said.lower() and "2 files" in said and names[-1] in said


def test_status_checks_pause_while_offline_and_go_when_the_connection_is_back(
    page: Any, stack: LocalStack
) -> None:
    # Offline, a file in the bucket was still checked on schedule, each check failing.
    page.clock.install()
    api = FakeWriteApi(page, stack)
    _open_upload_view(page, stack)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "/ingest/status" in request.url else None)
    _drop(page, ["ebb.txt"])
    _when(page, lambda: api.checks)

    page.context.set_offline(True)
    before = len(asked)
    _advance(page, 60_000)
    assert len(asked) == before  # nothing while there is no connection

    page.context.set_offline(False)
    _when(page, lambda: len(asked) > before, 10)  # at once when it is back
