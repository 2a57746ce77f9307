"""Where the e-copy stamp went on every signed PDF of an archive, and whether it covers anything.

For each archived dossier with a stamp, the revision before signing (the bytes up to the end of the
revision the signature follows) and the signed file are rendered (page 1, 100 dpi) and compared, and
``pdftotext`` (plain and ``-layout``) is run on both. It counts:

- layouts (3, 4, 2 or 1 lines) and margin strips;
- stamps with ink of the original under their box (the original darker than its paper by 40
  levels inside the box);
- signatures that changed pixels outside the stamp's box;
- stamp lines that are not lines of their own, and page lines lost, in either ``pdftotext`` mode.

Run it on any archive, e.g. after ``sohoa run`` on a folder of scans (set
``certify-below-standard: true`` in the signing profile to stamp every dossier):

    nice .venv/bin/python bench/stamp.py --archive DIR
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from io import BytesIO
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image

_DPI = 100


def _render(pdf: Path) -> np.ndarray:
    out = subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", str(_DPI), "-gray", str(pdf)],
                         capture_output=True, check=True).stdout
    return np.asarray(Image.open(BytesIO(out)), dtype=np.int16)


def _lines(pdf: Path, *mode: str) -> list[str]:
    text = subprocess.run(["pdftotext", *mode, "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines() if line.strip()]


def _before_signing(signed: Path, dest: Path) -> Path:
    """The revision the signature was added to: the file up to the %%EOF before the signature's bytes."""
    data = signed.read_bytes()
    with pikepdf.open(signed) as pdf:
        start = int(pdf.Root.AcroForm.Fields[0].V.ByteRange[1])
    end = data.rfind(b"%%EOF", 0, start) + 5
    end += len(data[end:end + 2]) - len(data[end:end + 2].lstrip(b"\r\n"))
    dest.write_bytes(data[:end])
    return dest


def audit(signed: Path, lines: list[str], tmp: Path) -> dict:
    """Check one signed PDF's stamp against the revision before it."""
    original = _before_signing(signed, tmp / "before.pdf")
    with pikepdf.open(original) as pdf:
        height = float(pdf.pages[0].MediaBox[3])
    with pikepdf.open(signed) as pdf:
        x1, y1, x2, y2 = (float(v) for v in pdf.Root.AcroForm.Fields[0].Rect)
        strip = float(pdf.pages[0].MediaBox[3]) - height
    before, after = _render(original), _render(signed)
    scale, top = _DPI / 72, round(strip * _DPI / 72)
    page = after[top:top + before.shape[0], :before.shape[1]]
    rows = slice(max(0, int((height - y2) * scale) - 2), max(0, int((height - y1) * scale) + 3))
    cols = slice(max(0, int(x1 * scale) - 2), int(x2 * scale) + 3)
    paper = np.percentile(before, 90)
    changed = np.abs(page - before) > 40
    changed[rows, cols] = False
    result = {"lines": len(lines), "strip": strip > 0, "ink_under": bool((before[rows, cols] < paper - 40).any()),
              "changed_outside": int(changed.sum()), "not_own_line": 0, "lost_lines": 0}
    for mode in ((), ("-layout",)):
        old, new = _lines(original, *mode), _lines(signed, *mode)
        result["not_own_line"] += sum(line not in new for line in lines)
        rest = list(new)
        for line in lines:
            if line in rest:
                rest.remove(line)
        result["lost_lines"] += sum(line not in rest for line in old)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, required=True)
    args = parser.parse_args()
    rows, unstamped = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted((args.archive / "records").glob("*.json")):
            record = json.loads(path.read_text(encoding="utf-8"))
            sign = json.loads((args.archive / ".work" / record["dossier_id"] / "sign.json").read_text(encoding="utf-8"))
            if not sign.get("stamp_lines"):
                unstamped += 1
                continue
            rows.append((record["source"], audit(args.archive / record["pdf"], sign["stamp_lines"], Path(tmp))))
    print(f"command: {' '.join(sys.argv)}; {platform.node()}, load average {os.getloadavg()[0]:.2f}")
    print(f"dossiers: {len(rows) + unstamped}; stamped: {len(rows)}; not certified (no stamp): {unstamped}")
    print("layouts (lines: dossiers):", dict(sorted(Counter(r["lines"] for _, r in rows).items())),
          f"; margin strips: {sum(r['strip'] for _, r in rows)}")
    for key, text in (("ink_under", "ink of the original under the stamp"),
                      ("changed_outside", "pixels changed outside the stamp's box"),
                      ("not_own_line", "stamp lines not on a line of their own (plain + -layout)"),
                      ("lost_lines", "page lines no longer a line after signing (plain + -layout)")):
        bad = [(source, r[key]) for source, r in rows if r[key]]
        print(f"{text}: {len(bad)} dossiers" + (f" {bad}" if bad else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
