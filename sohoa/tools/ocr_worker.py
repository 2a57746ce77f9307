"""A Tesseract kept loaded in its own process, reading pages one by one (``sohoa-ocr-worker``).

Started by :mod:`sohoa.tools.tesseract`, never by hand. It loads the model once through
``tesserocr`` (libtesseract in-process: no program start and no model load per page), then reads
one JSON request per line on standard input::

    {"image": "/work/x/clean/page-0001.png", "out_base": "/work/x/ocr/.tmp/page", "text_pdf": true, "psm": 4}

(``psm``, optional, is the page segmentation mode for this page) and writes ``<out_base>.tsv``
(and ``<out_base>.pdf``, Tesseract's text-only PDF layer, when asked)
and answers one JSON line: ``{"ok": true}`` or ``{"ok": false, "error": "..."}``. It exits when
its standard input closes. Being a separate process is the point: a page that makes Tesseract
crash or hang costs that page (the caller kills and restarts the worker), never the run.

Usage: ``python -m sohoa.tools.ocr_worker TESSDATA_DIR LANGUAGES PSM``
"""

from __future__ import annotations

import json
import os
import sys

TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


def _serve(tessdata: str, languages: str, psm: int) -> int:
    import tesserocr

    with tesserocr.PyTessBaseAPI(path=tessdata, lang=languages, psm=psm, oem=tesserocr.OEM.LSTM_ONLY) as api:
        print(json.dumps({"ok": True, "ready": True}), flush=True)
        for line in sys.stdin:
            request = json.loads(line)
            try:
                api.SetPageSegMode(int(request.get("psm", psm)))
                _page(api, request["image"], request["out_base"], bool(request.get("text_pdf")))
                answer = {"ok": True}
            except Exception as exc:  # noqa: BLE001 - reported to the caller, which raises ToolError
                answer = {"ok": False, "error": type(exc).__name__}
            print(json.dumps(answer), flush=True)
    return 0


def _page(api, image: str, out_base: str, text_pdf: bool) -> None:  # noqa: ANN001 - tesserocr API
    api.SetVariable("tessedit_create_pdf", "1" if text_pdf else "0")
    api.SetVariable("textonly_pdf", "1" if text_pdf else "0")
    if text_pdf:
        # The renderer writes <out_base>.pdf, the page sized from the image's own dpi.
        if not api.ProcessPages(out_base, image):
            raise RuntimeError("tesseract could not process the page")
    else:
        api.SetImageFile(image)
        if not api.Recognize():
            raise RuntimeError("tesseract could not recognise the page")
    tsv = TSV_HEADER + api.GetTSVText(0)
    with open(f"{out_base}.tsv", "w", encoding="utf-8") as fh:
        fh.write(tsv)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    return _serve(args[0], args[1], int(args[2]))


if __name__ == "__main__":
    sys.exit(main())
