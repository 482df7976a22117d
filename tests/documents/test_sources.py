import pytest

from fps_desktop.cli import main
from fps_desktop.documents.sources import FolderSource, PbmsSource
from fps_desktop.errors import SourceError
from fps_desktop.jobs import CancelToken
from tests.documents.conftest import GUID, invoice_bytes
from tests.documents.pbms_server import PbmsFile


def source(server, **kwargs):
    return PbmsSource(server.list_url, server.download_url, backoff=0.01, **kwargs)


pytestmark = pytest.mark.allow_log_warnings  # the failures below are logged on purpose


def test_lists_files_with_roles_from_metadata(pbms):
    files = source(pbms).list_files(GUID, CancelToken())
    assert [f.role.value for f in files] == ["invoice", "invoice", "attachment"]


def test_html_instead_of_json_is_explained(pbms):
    pbms.state.list_mode = "html"
    with pytest.raises(SourceError, match="web page instead of a file list"):
        source(pbms).list_files(GUID, CancelToken())


def test_server_error_is_retried_then_explained(pbms):
    pbms.state.list_mode = "error500"
    with pytest.raises(SourceError, match=r"not working right now \(HTTP 500\)"):
        source(pbms, retries=2).list_files(GUID, CancelToken())


def test_transient_errors_are_retried_until_success(pbms):
    pbms.state.list_mode = "flaky"
    pbms.state.flaky_failures = 2
    assert len(source(pbms, retries=3).list_files(GUID, CancelToken())) == 3


def test_a_server_that_hangs_times_out_with_a_clear_message(pbms):
    pbms.state.list_mode = "slow"
    with pytest.raises(SourceError, match="did not answer in time"):
        source(pbms, timeout=0.3, retries=0).list_files(GUID, CancelToken())


def test_unknown_guid_is_a_404_message(pbms):
    with pytest.raises(SourceError, match="does not know this document"):
        source(pbms).list_files("0" * 32, CancelToken())


def test_unreachable_server_is_explained():
    dead = PbmsSource("http://127.0.0.1:9/{guid}", "http://127.0.0.1:9/x", retries=0)
    with pytest.raises(SourceError, match="not working right now"):
        dead.list_files(GUID, CancelToken())


def test_hostile_names_never_escape_the_output_folder(pbms, pbms_settings, tmp_path, capsys):
    pbms.state.files[GUID] = [
        PbmsFile("1", "../../escape.pdf", invoice_bytes()),
        PbmsFile("2", "CON.pdf", invoice_bytes(2)),
        PbmsFile("3", "x" * 300 + ".pdf", invoice_bytes()),
        PbmsFile("4", "../../escape.pdf", invoice_bytes(2)),
    ]
    out = tmp_path / "out"
    assert main(["fetch", GUID, "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert "escape.pdf" in names and "escape (2).pdf" in names and "_CON.pdf" in names
    assert all(len(n) <= 120 for n in names)
    assert not (tmp_path / "escape.pdf").exists()


def test_folder_source_reads_guid_subfolders_and_roles(tmp_path):
    root = tmp_path / "share"
    (root / GUID / "发票").mkdir(parents=True)
    (root / GUID / "附件").mkdir()
    (root / GUID / "发票" / "a.pdf").write_bytes(invoice_bytes())
    (root / GUID / "附件" / "b.pdf").write_bytes(invoice_bytes(2))
    files = FolderSource(root).list_files(GUID, CancelToken())
    assert [(f.name, f.role.value) for f in files] == [
        ("a.pdf", "invoice"),
        ("b.pdf", "attachment"),
    ]
    data = b"".join(FolderSource(root).open_file(GUID, files[0], CancelToken()))
    assert data == invoice_bytes()
