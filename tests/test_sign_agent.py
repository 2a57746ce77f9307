"""One token login for a whole run: forked processes sign through the main process's agent.

The token is a throw-away SoftHSM2 token holding the test PKI's signer key. The task processes are
forked as Luigi forks them, and lose the SoftHSM configuration first: they could not log in to the
token themselves, so every signature they make went through the agent.
"""


from __future__ import annotations

import multiprocessing
import os
import stat
from pathlib import Path

import pytest
from pki import AGENCY, SOFTHSM_MODULE, RunningPki, softhsm_token

from signing import StampText, load_pkcs11_signer, sign_pdf, verify_pdf
from signing.agent import AGENT_ENV, RemoteSigner, SigningAgent, agent_signer
from sohoa.errors import SigningError

TOKEN, KEY, PIN = "sohoa-agent", "agent-signer", b"1234"


@pytest.fixture(scope="module")
def token(pki: RunningPki, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A SoftHSM2 token (user PIN 1234) holding the test PKI signer's key and certificates."""
    files = pki.files
    softhsm_token(tmp_path_factory.getbasetemp() / "softhsm-tokens", TOKEN,
                  [(files.signer_key_der, "privkey", KEY, "21"), (files.signer_cert_der, "cert", KEY, "21"),
                   (files.interm_cert_der, "cert", "agent-interm", "22")], pin=PIN.decode())


@pytest.fixture
def page(tmp_path: Path) -> Path:
    import pikepdf
    from PIL import Image

    Image.new("RGB", (827, 1169), (250, 248, 240)).save(tmp_path / "raw.pdf", resolution=100.0)
    with pikepdf.open(tmp_path / "raw.pdf") as pdf:
        pdf.save(tmp_path / "in.pdf")
    return tmp_path / "in.pdf"


def _task_process(src: str, outputs: list[tuple[str, str]], tsa_url: str, root: str, results) -> None:
    """What a forked Luigi task does: sign its documents with whatever signer the run provides."""
    os.environ.pop("SOFTHSM2_CONF", None)  # no way to reach the token but through the agent
    try:
        signer = agent_signer()
        for dst, level in outputs:
            extra = {"tsa_url": tsa_url, "trust_roots": [Path(root)]} if level != "B-B" else {}
            sign_pdf(Path(src), Path(dst), signer=signer, stamp=StampText("SAO Y", AGENCY), level=level, **extra)
        results.put((os.getpid(), type(signer).__name__, None))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the test
        results.put((os.getpid(), None, f"{type(exc).__name__}: {exc}"))


def test_two_forked_processes_sign_through_one_login(token, pki: RunningPki, page: Path, tmp_path: Path) -> None:
    logins = []

    def open_token():
        logins.append(1)
        return load_pkcs11_signer(SOFTHSM_MODULE, token_label=TOKEN, key_label=KEY, pin=PIN)

    fork = multiprocessing.get_context("fork")
    results = fork.Queue()
    jobs = {n: [(str(tmp_path / f"p{n}-d{i}.pdf"), "B-LTA" if i == 0 else "B-B") for i in range(3)]
            for n in range(2)}
    with SigningAgent(open_token) as agent:
        directory = agent.socket_path.parent
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        assert os.environ[AGENT_ENV] == str(agent.socket_path)
        procs = [fork.Process(target=_task_process, args=(str(page), jobs[n], pki.files.tsa_url,
                                                          str(pki.files.root_cert), results)) for n in jobs]
        for proc in procs:
            proc.start()
        outcomes = [results.get(timeout=120) for _ in procs]
        for proc in procs:
            proc.join(timeout=30)
        signed = agent.signatures
    assert [error for _, _, error in outcomes] == [None, None]
    assert {kind for _, kind, _ in outcomes} == {"RemoteSigner"}
    assert len({pid for pid, _, _ in outcomes} | {os.getpid()}) == 3
    assert len(logins) == 1 and signed == 6
    assert not directory.exists() and AGENT_ENV not in os.environ
    for dst, level in jobs[0] + jobs[1]:
        report = verify_pdf(Path(dst), trust_roots=[pki.files.root_cert])[0]
        assert report.ok and report.level == level, dst


def test_without_an_agent_callers_sign_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(AGENT_ENV, raising=False)
    assert agent_signer() is None


def test_a_wrong_pin_fails_in_the_main_process_before_anything_forks(token) -> None:
    agent = SigningAgent(lambda: load_pkcs11_signer(SOFTHSM_MODULE, token_label=TOKEN, key_label=KEY,
                                                    pin=b"0000"))
    with pytest.raises(SigningError, match="PIN"):
        agent.__enter__()
    assert AGENT_ENV not in os.environ


def test_a_gone_agent_is_a_clear_signing_error(token, page: Path, tmp_path: Path) -> None:
    with SigningAgent(lambda: load_pkcs11_signer(SOFTHSM_MODULE, token_label=TOKEN, key_label=KEY,
                                                 pin=PIN)) as agent:
        remote = agent_signer()
        assert isinstance(remote, RemoteSigner)
        path = agent.socket_path
    with pytest.raises(SigningError) as err:
        sign_pdf(page, tmp_path / "late.pdf", signer=remote, stamp=None)
    assert err.value.reason == "token_failed" and not path.exists()
    assert not (tmp_path / "late.pdf").exists()


def test_a_run_with_two_workers_logs_in_to_the_token_once(token, pki: RunningPki, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`sohoa run --workers 2` on a PKCS#11 token: Luigi forks a process per task, the run logs in once."""
    import json
    import shutil

    from conftest import SAMPLES

    import signing
    from pipeline.cli import main
    from sohoa.errors import ExitCode

    logins = tmp_path / "logins.txt"  # appended to by whichever process opens the token
    real_open = signing.load_pkcs11_signer

    def counted_open(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - the real function, counted
        with logins.open("a") as fh:
            fh.write(f"{os.getpid()}\n")
        return real_open(*args, **kwargs)

    monkeypatch.setattr(signing, "load_pkcs11_signer", counted_open)
    monkeypatch.setenv("SOHOA_PKCS11_PIN", PIN.decode())
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    for name in ("khai_sinh-pdf.pdf", "ket_hon-tiff.tif", "ct01-pdf.pdf"):
        shutil.copy2(SAMPLES / "inbox" / name, inbox / name)
    config = pkcs11_site(tmp_path / "site.yaml", token=TOKEN, key=KEY, root=pki.files.root_cert)
    code = main(["run", "--create", "--inbox", str(inbox), "--archive", str(archive), "--workers", "2", "--config", str(config)])
    assert code == ExitCode.OK
    assert logins.read_text().split() == [str(os.getpid())]  # one login, in the run's own process
    records = [json.loads(p.read_text(encoding="utf-8")) for p in (archive / "records").glob("*.json")]
    assert len(records) == 3
    for record in records:
        report = verify_pdf(archive / record["pdf"], trust_roots=[pki.files.root_cert])[0]
        assert report.ok and report.level == "B-B"


def pkcs11_site(path: Path, *, token: str, key: str, root: Path) -> Path:
    """A site configuration signing B-B with a SoftHSM2 token (certifying every page, to sign with the stamp)."""
    path.write_text(f"""signing:
  mode: pkcs11
  agency: "{AGENCY}"
  pkcs11-module: {SOFTHSM_MODULE}
  token-label: {token}
  key-label: {key}
  profile: copy
  profiles: {{copy: {{level: B-B, copy-form: "SAO Y", certify-below-standard: true}}}}
  trust-roots: [{root}]
settle-seconds: 0
""", encoding="utf-8")
    return path
