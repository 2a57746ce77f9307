"""``sohoa verify`` on signed files: exit codes, the Vietnamese and JSON reports, a changed byte."""


from __future__ import annotations

import json
from pathlib import Path

import pytest
from pki import RunningPki, signed_b_lta

from pipeline.cli import main
from signing import render_json, render_vi, verify_files
from sohoa.errors import ExitCode


@pytest.fixture(scope="module")
def signed(pki: RunningPki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small PDF signed B-LTA with the test PKI."""
    return signed_b_lta(pki, tmp_path_factory.mktemp("verify"))


@pytest.fixture
def config(pki: RunningPki, tmp_path: Path) -> Path:
    """A site configuration trusting the test root."""
    path = tmp_path / "site.yaml"
    path.write_text(f"signing:\n  trust-roots: [{pki.files.root_cert}]\n", encoding="utf-8")
    return path


def _one_byte_changed(src: Path, dst: Path) -> Path:
    data = bytearray(src.read_bytes())
    at = data.index(b"stream", data.index(b"/Image")) + 100
    data[at] ^= 0x01
    dst.write_bytes(bytes(data))
    return dst


def test_verify_passes_and_reports_level(signed: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(signed), "--config", str(config), "--json"]) == ExitCode.OK
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["ok"] is True
    sig = rows[0]["signatures"][0]
    assert sig["level"] == "B-LTA" and sig["trusted"] and sig["intact"]


def test_verify_report_in_vietnamese_and_json(signed: Path, pki: RunningPki) -> None:
    verdicts = verify_files([signed], trust_roots=[pki.files.root_cert])
    text = render_vi(verdicts)
    assert text.startswith(f"ĐẠT: {signed}")
    assert "mức B-LTA" in text and "toàn vẹn: có" in text and "tin cậy: có" in text
    assert "kiểm tra dài hạn (LTV): có" in text and "+07:00" in text
    row = json.loads(render_json(verdicts))[0]
    assert row["signatures"][0]["timestamp_time"].endswith("+07:00")
    assert row["signatures"][0]["ltv"] is True


def test_one_changed_byte_fails_with_a_clear_message(signed: Path, config: Path, pki: RunningPki,
                                                    tmp_path: Path) -> None:
    tampered = _one_byte_changed(signed, tmp_path / "tampered.pdf")
    assert main(["verify", str(tampered), "--config", str(config)]) == ExitCode.VERIFY_FAILED
    verdict = verify_files([tampered], trust_roots=[pki.files.root_cert])[0]
    assert not verdict.ok and verdict.problems == ("modified",)
    assert "tệp đã bị thay đổi sau khi ký" in render_vi([verdict])
    assert "changed after signing" in json.loads(render_json([verdict]))[0]["messages"][0]


def test_untrusted_root_and_unsigned_file_fail(signed: Path, tmp_path: Path) -> None:
    import pikepdf

    plain = tmp_path / "plain.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(plain)
    verdicts = verify_files([signed, plain], trust_roots=[])
    assert [v.problems for v in verdicts] == [("untrusted",), ("unsigned",)]
    assert render_vi(verdicts).endswith("Tổng: 2 tệp, 0 đạt, 2 không đạt.")
