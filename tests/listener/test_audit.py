import time

from fps_desktop.audit import AuditLog
from fps_desktop.config import Paths

GUID = "c965be9f9c1d449d9e50fed330150d7a"


def test_history_reads_newest_first_across_a_long_log_and_skips_damage():
    audit = AuditLog(Paths.default())
    for number in range(3000):  # a few hundred KB: many read blocks
        audit.record_push(f"https://pbms-{number}.example.edu", GUID, True)
        if number == 1500:
            with audit.path.open("a", encoding="utf-8") as handle:
                handle.write('{"event": "push", "origin": broken\n')
    audit.record_print(
        guid=GUID, files=["发票.pdf"], sheets=1, printer="HP-3F", copies=2, layout="two-up"
    )
    newest = audit.entries(2)
    assert newest[0]["files"] == ["发票.pdf"] and newest[0]["copies"] == 2
    assert newest[1]["origin"] == "https://pbms-2999.example.edu"
    everything = audit.entries(10_000)
    assert len(everything) == 3001
    origins = [entry["origin"] for entry in everything[1:]]
    assert origins == [f"https://pbms-{n}.example.edu" for n in reversed(range(3000))]


def test_an_empty_history_is_empty():
    assert AuditLog(Paths.default()).entries() == []


def test_lines_are_only_ever_appended():
    audit = AuditLog(Paths.default())
    audit.record_push("local", GUID, True)
    first = audit.path.read_bytes()
    audit.record_push("local", "", False, "bad_guid")
    assert audit.path.read_bytes().startswith(first)


def test_the_log_rotates_by_size_and_history_reads_across_the_files():
    audit = AuditLog(Paths.default(), max_bytes=4000, keep=3)
    for number in range(200):  # about 25 KB: several rotations, the oldest files dropped
        audit.record_push(f"https://pbms-{number}.example.edu", GUID, True)
    files = sorted(audit.path.parent.glob("audit*.jsonl"))
    assert len(files) == 4 and all(f.stat().st_size < 4200 for f in files)
    origins = [entry["origin"] for entry in audit.entries(10_000)]
    kept = len(origins)
    assert 50 < kept < 200
    assert origins == [f"https://pbms-{n}.example.edu" for n in reversed(range(200 - kept, 200))]
    assert [e["origin"] for e in audit.entries(30)] == origins[:30]


def test_repeated_refusals_are_counted_in_one_line_when_their_window_closes():
    from fps_desktop.listener.refusals import RefusalLog

    audit = AuditLog(Paths.default())
    refusals = RefusalLog(audit, window=0.2)
    for _ in range(5):
        refusals.refused("https://evil.example.com", "", "origin_not_allowed")
    refusals.refused(None, GUID, "bad_signature")
    assert [e.get("repeats") for e in audit.entries()] == [None, None]
    deadline = time.monotonic() + 10
    while len(audit.entries()) < 3 and time.monotonic() < deadline:
        refusals.flush_due()  # the listener's accept loop calls this every 50 ms
        time.sleep(0.05)
    summary = audit.entries()[0]
    assert (summary["origin"], summary["repeats"], summary["reason"]) == (
        "https://evil.example.com",
        4,
        "origin_not_allowed",
    )
    assert len(audit.entries()) == 3  # nothing repeated the bad signature: no summary for it


def test_made_up_origins_fold_into_one_run():
    from fps_desktop.listener.refusals import MAX_RUNS, OTHER_ORIGINS, RefusalLog

    audit = AuditLog(Paths.default())
    refusals = RefusalLog(audit)
    for number in range(500):
        refusals.refused(f"https://evil-{number}.example.com", "", "origin_not_allowed")
    refusals.flush_all()
    entries = audit.entries(1000)
    assert len(entries) == MAX_RUNS + 2  # each run's first line, then the fold's first and count
    assert entries[0]["origin"] == OTHER_ORIGINS and entries[0]["repeats"] == 500 - MAX_RUNS - 1
