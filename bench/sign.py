"""Signing throughput: documents per second per PAdES level, PKCS#12 and PKCS#11 (SoftHSM2).

Everything is local: the test PKI of ``tests/pki.py`` (certomancer serving OCSP, CRLs and the TSA
on 127.0.0.1), a one-page A4 200 dpi PDF, one signer opened once and reused (as the pipeline does
per process). Network latency to a real TSA/OCSP is therefore NOT included, and the CPU time of
B-T and above includes the local TSA/OCSP/CRL servers' own work (they run in this process). Run:

    nice .venv/bin/python bench/sign.py [--docs 10] [--inputs DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")


def _input(base: Path) -> Path:
    import pikepdf
    from PIL import Image

    Image.new("RGB", (1654, 2339), (250, 248, 240)).save(base / "raw.pdf", resolution=200.0)
    with pikepdf.open(base / "raw.pdf") as pdf:
        pdf.save(base / "in.pdf")
    return base / "in.pdf"


def _token(base: Path, files) -> None:
    (base / "tokens").mkdir()
    (base / "softhsm2.conf").write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(base / "softhsm2.conf")
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "bench", "--pin", "1234",
                    "--so-pin", "5678"], check=True, capture_output=True)
    objects = ((files.signer_key_der, "privkey", "signer", "01"), (files.signer_cert_der, "cert", "signer", "01"),
               (files.interm_cert_der, "cert", "interm", "02"))
    for path, kind, label, obj_id in objects:
        subprocess.run(["pkcs11-tool", "--module", str(SOFTHSM), "--token-label", "bench", "--login", "--pin",
                        "1234", "--write-object", str(path), "--type", kind, "--label", label, "--id", obj_id],
                       check=True, capture_output=True)


def _rate(signer, sources: list[Path], out: Path, level: str, files, docs: int) -> str:
    """Documents per second (wall) and the median CPU time per document, as one table cell."""
    from signing import StampText, sign_pdf

    kwargs = {"tsa_url": files.tsa_url, "trust_roots": [files.root_cert]} if level != "B-B" else {}
    sign_pdf(sources[0], out / "warmup.pdf", signer=signer, stamp=StampText("SAO Y", "Bench"), level=level,
             **kwargs)
    cpu = []
    start = time.perf_counter()
    for n in range(docs):
        before = time.process_time()
        sign_pdf(sources[n % len(sources)], out / f"{level}-{n}.pdf", signer=signer,
                 stamp=StampText("SAO Y", "Bench"), level=level, **kwargs)
        cpu.append(time.process_time() - before)
    return f"{docs / (time.perf_counter() - start):6.2f} docs/s, median CPU {1000 * statistics.median(cpu):5.0f} ms/doc"


def main() -> None:
    import logging

    logging.disable(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10, help="documents signed per configuration")
    parser.add_argument("--inputs", type=Path,
                        help="sign the PDFs of this folder in turn (e.g. a run's .work/*/document.pdf copied "
                             "there) instead of one blank page")
    args = parser.parse_args()
    from pki import PASSPHRASE, RunningPki

    from signing import load_pkcs11_signer, load_pkcs12_signer

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        pki = RunningPki(base)
        sources = sorted(args.inputs.glob("*.pdf")) if args.inputs else [_input(base)]
        if not sources:
            parser.error(f"no PDF in {args.inputs}")
        sizes = sorted(p.stat().st_size for p in sources)
        print(f"bench/sign.py: {args.docs} docs per row after 1 warm-up; {len(sources)} input(s), median "
              f"{sizes[len(sizes) // 2]} bytes; RSA-2048 keys; TSA/OCSP/CRL: certomancer on 127.0.0.1; python {platform.python_version()}; "
              f"load average {os.getloadavg()[0]:.2f} at start (cores shared)")
        p12 = load_pkcs12_signer(pki.files.signer_p12, passphrase=PASSPHRASE)
        for level in ("B-B", "B-T", "B-LT", "B-LTA"):
            print(f"PKCS#12  {level:6} {_rate(p12, sources, base, level, pki.files, args.docs)}")
        _token(base, pki.files)
        p11 = load_pkcs11_signer(SOFTHSM, token_label="bench", key_label="signer", pin=b"1234")
        try:
            for level in ("B-B", "B-LTA"):
                print(f"PKCS#11  {level:6} {_rate(p11, sources, base, level, pki.files, args.docs)} "
                      "(SoftHSM2, one session)")
        finally:
            p11.pkcs11_session.close()
        pki.shutdown()


if __name__ == "__main__":
    main()
