"""The PKCS#12 passphrase and the PKCS#11 PIN reach only the signing step, never a child process.

``sohoa run --workers 2`` runs in a process of its own with the secret in its environment, as
systemd's ``EnvironmentFile`` gives it; while it works, every process it starts (Luigi's task
processes, the OCR worker, the tools) is looked at through ``/proc/<pid>/environ``. None may hold
the secret, and the dossiers must still be signed: with a PKCS#12 file, and with a PKCS#11 token
(SoftHSM2) reached through the run's signing agent.
"""

# ruff: noqa: F811 - tests take the fixtures imported from pki as parameters

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pki import AGENCY, RunningPki, pki, softhsm_token  # noqa: F401 - pki: a pytest fixture
from test_sign_agent import pkcs11_site

from conftest import ROOT, SAMPLES
from signing import ensure_demo_chain, read_secret, verify_pdf
from sohoa.tools._run import run

DOSSIERS = ("khai_sinh-pdf.pdf",)
TOKEN, KEY, PIN = "sohoa-secrets", "secrets-signer", "4321"


@pytest.fixture(scope="module")
def token(pki: RunningPki, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A SoftHSM2 token of this module's own (user PIN 4321) holding the test PKI signer's key."""
    files = pki.files
    softhsm_token(tmp_path_factory.getbasetemp() / "softhsm-tokens", TOKEN,
                  [(files.signer_key_der, "privkey", KEY, "31"), (files.signer_cert_der, "cert", KEY, "31"),
                   (files.interm_cert_der, "cert", "secrets-interm", "32")], pin=PIN)


def test_tools_get_only_what_they_need(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOHOA_P12_PASSPHRASE", "p12-secret-value")
    monkeypatch.setenv("PGPASSWORD", "db-secret-value")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    env = run(["env"], timeout=10).stdout.decode()
    assert "p12-secret-value" not in env and "db-secret-value" not in env
    assert "PATH=" in env and "LC_ALL=C.UTF-8" in env and "OMP_THREAD_LIMIT=1" in env


def test_settings_take_the_secret_out_of_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from pipeline.settings import settings

    config = tmp_path / "site.yaml"
    config.write_text("signing:\n  passphrase-env: SOHOA_TEST_TAKEN\n", encoding="utf-8")
    monkeypatch.setenv("SOHOA_TEST_TAKEN", "taken-value")
    settings(str(config))
    assert "SOHOA_TEST_TAKEN" not in os.environ
    assert read_secret(env="SOHOA_TEST_TAKEN") == b"taken-value"


def _descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_bytes().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _run_and_watch(args: list[str], env: dict[str, str], name: str, value: str) -> tuple[int, dict]:
    """Run ``sohoa`` in a process of its own; look at its children's environments until it ends."""
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen = {"children": 0, "ocr_workers": 0, "leaks": [], "main_after_start": False}
    needles = (f"{name}=".encode(), value.encode())
    while proc.poll() is None:
        kids = _descendants(proc.pid)
        for pid in kids:
            try:
                environ = Path(f"/proc/{pid}/environ").read_bytes()
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            seen["children"] += 1
            seen["ocr_workers"] += b"ocr_worker" in cmdline or b"ocr-worker" in cmdline
            if any(n in environ for n in needles):
                seen["leaks"].append(cmdline.replace(b"\0", b" ").decode(errors="replace")[:80])
        if kids:  # children exist: the settings are loaded, the main process holds the secret in memory only
            try:
                seen["main_after_start"] |= any(n in Path(f"/proc/{proc.pid}/environ").read_bytes() for n in needles)
            except OSError:
                pass
        time.sleep(0.02)
    output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    return proc.returncode, {**seen, "output": output[-2000:]}


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in DOSSIERS:
        shutil.copy2(SAMPLES / "inbox" / name, inbox / name)
    return inbox


def _check(archive: Path, roots: list[Path], code: int, seen: dict) -> None:
    assert code == 0, seen["output"]
    assert seen["children"] and seen["ocr_workers"], "the watch saw the run's task processes and OCR workers"
    assert seen["leaks"] == [] and not seen["main_after_start"]
    records = [json.loads(p.read_text(encoding="utf-8")) for p in (archive / "records").glob("*.json")]
    assert len(records) == len(DOSSIERS)
    for record in records:
        assert verify_pdf(archive / record["pdf"], trust_roots=roots)[0].ok


def test_pkcs12_passphrase_stays_out_of_child_processes(tmp_path: Path) -> None:
    chain = ensure_demo_chain(tmp_path / "keys", agency_name=AGENCY)
    passphrase = read_secret(file=chain.passphrase_file).decode()
    config = tmp_path / "site.yaml"
    config.write_text(f"""signing:
  mode: pkcs12
  agency: "{AGENCY}"
  pkcs12-file: {chain.signer_p12}
  profile: copy
  profiles: {{copy: {{level: B-B, certify-below-standard: true}}}}
  trust-roots: [{chain.root_cert}]
settle-seconds: 0
""", encoding="utf-8")
    archive = tmp_path / "archive"
    env = {**os.environ, "SOHOA_P12_PASSPHRASE": passphrase}
    code, seen = _run_and_watch(["run", "--create", "--inbox", str(_inbox(tmp_path)), "--archive", str(archive),
                                 "--workers", "2", "--config", str(config)], env, "SOHOA_P12_PASSPHRASE", passphrase)
    _check(archive, [chain.root_cert], code, seen)


def test_pkcs11_pin_stays_out_of_child_processes(token, pki: RunningPki, tmp_path: Path) -> None:
    pin = PIN
    config = pkcs11_site(tmp_path / "site.yaml", token=TOKEN, key=KEY, root=pki.files.root_cert)
    archive = tmp_path / "archive"
    env = {**os.environ, "SOHOA_PKCS11_PIN": pin, "SOHOA_TEST_NONCE": secrets.token_hex(4)}
    code, seen = _run_and_watch(["run", "--create", "--inbox", str(_inbox(tmp_path)), "--archive", str(archive),
                                 "--workers", "2", "--config", str(config)], env, "SOHOA_PKCS11_PIN", f"SOHOA_PKCS11_PIN={pin}")
    _check(archive, [pki.files.root_cert], code, seen)
