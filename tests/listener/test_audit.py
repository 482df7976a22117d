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
    audit.record_print(guid=GUID, files=["发票.pdf"], sheets=1, printer="HP-3F", copies=2, layout="two-up")
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
