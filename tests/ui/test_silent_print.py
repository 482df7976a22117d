"""PBMS's signed /api/print against the real window, listener and a private CUPS.

A signed print is honoured once, at once, or refused with a reason: nothing stays
armed for a later push, Pause stops it, the print policy applies, and PBMS can ask
what became of it.
"""

import concurrent.futures
import itertools
import time

import pytest
import requests
from PySide6.QtWidgets import QMessageBox

from fps_desktop.audit import AuditLog
from fps_desktop.config import set_secret
from fps_desktop.listener.security import signature_for
from fps_desktop.ui.bridge import Bridge
from fps_desktop.ui.job_queue import JobState
from tests.journeys.conftest import SLOW, when_shown
from tests.listener.test_listener import signed
from tests.net import free_port

SECRET = "shared-secret-of-the-office"
NONCES = itertools.count()
TRAVEL = "c965be9f9c1d449d9e50fed330150d7a"
CLAIMED_TWICE = "8b4f2e6a1c9d4b7e9f3a5c7e1b2d4f6a"


@pytest.fixture
def bridge(qtbot, window, settings, cups):
    settings.set("listener.port", free_port())
    settings.set("listener.fallback_ports", [])
    settings.set("listener.allow_silent_print", True)
    set_secret("listener.hmac_secret", SECRET)
    bridge = Bridge(window, settings)
    bridge.start()
    yield bridge
    bridge.stop()
    qtbot.waitUntil(lambda: all(e.state not in (JobState.QUEUED, JobState.RUNNING)
                                for e in window.jobs.entries), timeout=SLOW)  # fmt: skip


def post(bridge, guid=TRAVEL, nonce="nonce-0001", **options):
    body = signed(SECRET, guid=guid, nonce=nonce, path="/api/print", **options)
    return requests.post(f"http://127.0.0.1:{bridge.listener.port}/api/print", json=body,
                         timeout=10)  # fmt: skip


def state_of(bridge, job: str, nonce: str) -> requests.Response:
    """The signed GET PBMS sends: the path and ts, nonce as query, signed like a push."""
    path = f"/api/print/{job}"
    fields = {"ts": int(time.time()), "nonce": nonce}
    sig = signature_for(SECRET, "GET", path, fields)
    return requests.get(f"http://127.0.0.1:{bridge.listener.port}{path}",
                        params={**fields, "sig": sig}, timeout=10)  # fmt: skip


def wait_done(qtbot, bridge, job: str) -> dict:
    answers = []

    def final() -> bool:
        answers.append(state_of(bridge, job, f"poll-{next(NONCES):08d}").json())
        return answers[-1]["state"] not in ("accepted", "queued", "printing")

    qtbot.waitUntil(final, timeout=SLOW)
    return answers[-1]


def prints(settings) -> list[dict]:
    return [e for e in AuditLog(settings.paths).entries() if e["event"] == "print"]


def test_a_signed_print_prints_once_and_pbms_can_ask_what_became_of_it(
    qtbot, bridge, cups, settings
):
    queue = cups.add_queue()
    answer = post(bridge, printer=queue, copies=2)
    assert answer.status_code == 202
    job = answer.json()["job"]
    done = wait_done(qtbot, bridge, job)
    assert done["state"] == "completed" and done["guid"] == TRAVEL
    (queued,) = cups.jobs(queue)
    assert done["queue_job"] == int(queued["job-id"]) and queued["copies"] == "2"
    assert TRAVEL in queued["job-name"]
    entry = prints(settings)[0]
    assert (entry["via"], entry["state"], entry["print_id"]) == ("pbms", "completed", job)
    assert state_of(bridge, job, "nonce-reused")  # a fresh nonce per question
    assert state_of(bridge, job, "nonce-reused").json()["error"] == "replayed"
    forged = requests.get(f"http://127.0.0.1:{bridge.listener.port}/api/print/{job}",
                          timeout=10)  # fmt: skip
    assert forged.status_code == 401


def test_nothing_stays_armed_a_later_unsigned_push_only_opens(qtbot, bridge, cups, window):
    queue = cups.add_queue()
    refused = post(bridge, printer="Nowhere-42")
    assert (refused.status_code, refused.json()["error"]) == (404, "no_such_printer")
    with qtbot.waitSignal(window.documents_shown, timeout=SLOW):
        plain = requests.post(f"http://127.0.0.1:{bridge.listener.port}/api/set_guid",
                              json={"guid": TRAVEL}, timeout=10)  # fmt: skip
        assert plain.status_code == 200
    qtbot.wait(500)  # a print started by the open would be in the Jobs list by now
    assert [e for e in window.jobs.entries if e.job.kind == "print"] == []
    assert cups.jobs(queue) == []
    refused_entry = AuditLog(window.settings.paths).entries(5)
    assert any(e.get("reason") == "no_such_printer" for e in refused_entry)


def test_pause_stops_signed_prints(qtbot, bridge, cups, window):
    queue = cups.add_queue()
    bridge.pause_action.setChecked(True) if bridge.tray else setattr(bridge.listener, "paused",
                                                                     True)  # fmt: skip
    answer = post(bridge, printer=queue)
    assert (answer.status_code, answer.json()["error"]) == (503, "paused")
    assert cups.jobs(queue) == []


def test_allowed_printers_apply(bridge, cups, settings):
    queue = cups.add_queue()
    settings.set("print.allowed_printers", ["Front-Desk"])
    answer = post(bridge, printer=queue)
    assert (answer.status_code, answer.json()["error"]) == (403, "printer_not_allowed")
    assert cups.jobs(queue) == []


def test_a_claimed_guid_is_refused_unless_the_signed_request_confirms(
    qtbot, bridge, cups, settings
):
    queue = cups.add_queue()
    first = post(bridge, printer=queue, nonce="nonce-0001").json()["job"]
    assert wait_done(qtbot, bridge, first)["state"] == "completed"
    again = post(bridge, guid=CLAIMED_TWICE, printer=queue, nonce="nonce-0002").json()["job"]
    refused = wait_done(qtbot, bridge, again)
    assert refused["state"] == "refused" and "claimed before" in refused["reason"]
    audited, printed = prints(settings)[:2]
    assert (audited["reason"], audited["print_id"], audited["via"]) == (
        "claimed_before", again, "pbms")  # fmt: skip
    assert audited["claimed"] == ["发票_25442000000123456789.pdf"]
    assert audited.keys() == printed.keys()  # the same record as a print
    assert (audited["printer"], audited["copies"], audited["user"]) == (
        queue, printed["copies"], printed["user"])  # fmt: skip
    assert "发票_25442000000123456789.pdf" in audited["files"]
    confirmed = post(bridge, guid=CLAIMED_TWICE, printer=queue, nonce="nonce-0003",
                     confirm_duplicates=True).json()["job"]  # fmt: skip
    assert wait_done(qtbot, bridge, confirmed)["state"] == "completed"
    assert len(cups.jobs(queue)) == 2
    assert prints(settings)[0]["duplicates_confirmed"] == ["发票_25442000000123456789.pdf"]


def test_a_guid_that_does_not_open_is_a_refused_print(qtbot, bridge, cups, settings):
    queue = cups.add_queue()
    told = when_shown(QMessageBox, lambda box: box.accept())  # the window says it too
    job = post(bridge, guid="f" * 32, printer=queue).json()["job"]
    assert wait_done(qtbot, bridge, job)["state"] == "refused"
    qtbot.waitUntil(lambda: told.done, timeout=SLOW)
    told.check()
    audited = prints(settings)[0]
    assert (audited["state"], audited["guid"], audited["print_id"]) == ("refused", "f" * 32, job)
    assert (audited["printer"], audited["via"], audited["files"], audited["sheets"]) == (
        queue, "pbms", [], 0)  # fmt: skip
    assert audited["reason"] and audited["user"] and audited["layout"]
    AuditLog(settings.paths).record_print(guid="g", files=[], sheets=0, printer="p", copies=1,
                                          layout="actual")  # fmt: skip
    assert audited.keys() == prints(settings)[0].keys()  # a print record's fields, all of them
    assert cups.jobs(queue) == []


@pytest.mark.allow_log_warnings  # refusals of the listener are logged
def test_concurrent_identical_requests_give_one_job(qtbot, bridge, cups, window):
    queue = cups.add_queue()
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        same = list(pool.map(lambda _: post(bridge, printer=queue), range(10)))
        others = list(pool.map(lambda n: post(bridge, printer=queue, nonce=f"nonce-1{n:04d}"),
                               range(10)))  # fmt: skip
    assert sorted(a.status_code for a in same).count(202) == 1
    assert {a.json()["error"] for a in same if a.status_code != 202} == {"replayed"}
    assert all(a.status_code in (202, 409) for a in others)
    accepted = [a.json()["job"] for a in same + others if a.status_code == 202]
    for job in accepted:
        wait_done(qtbot, bridge, job)
    qtbot.waitUntil(lambda: all(e.state != JobState.RUNNING for e in window.jobs.entries),
                    timeout=SLOW)  # fmt: skip
    assert len(cups.jobs(queue)) == sum(
        1 for job in accepted if state_of(bridge, job, f"n-{job}").json()["state"] == "completed"
    )
