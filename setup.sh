#!/usr/bin/env bash
# One entry point for a fresh Debian machine (as root, or with sudo available):
#   bash setup.sh demo     install everything, then run the pipeline on sample_docs/ into demo-output/
#   bash setup.sh test     install everything (and the E-ARK validator), then run the test suite
#   bash setup.sh install  install everything, nothing else (a production machine: see deploy/README.md)
#   bash setup.sh lint     install, then the code's own checks: ruff and the import contracts
#   bash setup.sh lock     add what setup.cfg asks for to the lock files, keep every other pin; then test
#   bash setup.sh relock   refresh the lock files against the newest releases; then test
# Python packages come from the lock files requirements.txt and requirements/lock-*.txt (exact versions and hashes), never from
# whatever is newest that day. Safe to run again: installed parts are kept, sample_docs/ is not modified.
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(tesseract-ocr tesseract-ocr-vie poppler-utils jbig2dec fonts-liberation2 softhsm2 opensc
              python3 python3-venv python3-pip)
# Only the tests need these: a throw-away PostgreSQL cluster for the catalog tests, NSS tools for
# pdfsig, the older Liberation fonts (a test shows they lack Vietnamese glyphs), logrotate (the
# tests check deploy/logrotate.conf), a headless browser and its WebDriver for the verification
# station's page, and the sample generator's font families (DejaVu, its ExtraLight pen for
# handwriting, GNU FreeFont).
TEST_APT_PACKAGES=(postgresql libnss3-tools fonts-liberation logrotate chromium chromium-driver
                   fonts-dejavu-core fonts-dejavu-extra fonts-freefont-ttf)
VENV=${SOHOA_VENV:-.venv}
EARK_VENV=${SOHOA_EARK_VENV:-.venv-eark}   # eark-validator pins lxml==5.1.0: a virtualenv of its own
TOOLS_VENV=.venv-tools                     # uv, which writes the lock files (only for lock/relock)
LOCK_PYTHON=3.11                           # the Python the lock files are resolved for (Debian 12's)
LOCK=requirements.txt                      # the lock: runtime + dev extras + build backend
BENCH_LOCK=requirements/lock-bench.txt     # the same plus the bench extras (same pins)
EARK_LOCK=requirements/lock-eark.txt
TOOLS_LOCK=requirements/lock-tools.txt

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_system() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    # The tests start their own PostgreSQL cluster: do not let the package create and start one.
    if [[ " ${missing[*]} " == *" postgresql "* ]] && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
      as_root mkdir -p /etc/postgresql-common
      echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
    fi
    echo "setup: installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

pip_quiet() { "$1/bin/python" -m pip install -q --disable-pip-version-check "${@:2}"; }

install_python() {
  if [ ! -x "$VENV/bin/python" ]; then
    echo "setup: creating virtualenv $VENV"
    python3 -m venv "$VENV"
  fi
  local have
  have=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  [ "$have" = "$LOCK_PYTHON" ] || echo "setup: note: $VENV has Python $have; the lock files are resolved for" \
    "$LOCK_PYTHON (if an install fails, \`bash setup.sh relock\` resolves them for this Python)" >&2
  echo "setup: installing sohoa's Python dependencies from $1 (pinned, hash-checked)"
  pip_quiet "$VENV" --require-hashes -r "$1"
  pip_quiet "$VENV" --no-deps --no-build-isolation -e .
  if ! "$VENV/bin/python" -m pip check >/dev/null 2>&1; then
    "$VENV/bin/python" -m pip check >&2 || true
    echo "setup: setup.cfg asks for packages the lock files do not hold: run \`bash setup.sh lock\`" >&2
    exit 1
  fi
  link_on_path
}

# `sohoa` on the PATH: a link in /usr/local/bin, unless one already points at another copy.
link_on_path() {
  local target link=/usr/local/bin/sohoa
  target="$(pwd)/$VENV/bin/sohoa"
  if [ -L "$link" ] && [ "$(readlink "$link")" = "$target" ]; then return; fi
  if [ -e "$link" ]; then
    echo "setup: $link is another sohoa ($(readlink -f "$link")); this one is $target" >&2
    return
  fi
  if as_root ln -sfn "$target" "$link" 2>/dev/null; then
    echo "setup: \`sohoa\` is on the PATH ($link -> $target)"
  else
    echo "setup: could not link $link; run $target, or add $(dirname "$target") to PATH" >&2
  fi
}

install_eark() {
  [ -x "$EARK_VENV/bin/python" ] || python3 -m venv "$EARK_VENV"
  pip_quiet "$EARK_VENV" --require-hashes -r "$EARK_LOCK"
}

# Write the lock files with uv (itself installed from its own lock). $1: "--upgrade" for the newest
# releases, or nothing to keep every pin the lock files already hold and add only what is new.
compile_locks() {
  [ -x "$TOOLS_VENV/bin/python" ] || python3 -m venv "$TOOLS_VENV"
  pip_quiet "$TOOLS_VENV" --require-hashes -r "$TOOLS_LOCK"
  local uv=("$TOOLS_VENV/bin/uv" pip compile --quiet --generate-hashes --python-version "$LOCK_PYTHON"
            --custom-compile-command "bash setup.sh relock" ${1:+"$1"})
  echo "setup: resolving the lock files${1:+ against the newest releases}"
  "${uv[@]}" requirements/tools.in -o "$TOOLS_LOCK"
  "${uv[@]}" setup.cfg requirements/build.in --extra dev -o "$LOCK"
  "${uv[@]}" setup.cfg requirements/build.in --extra dev --extra bench -c "$LOCK" -o "$BENCH_LOCK"
  "${uv[@]}" requirements/eark.in -o "$EARK_LOCK"
  git --no-pager diff --stat -- requirements.txt requirements/ 2>/dev/null || true
}

case "${1:-}" in
  demo)
    install_system "${APT_PACKAGES[@]}"; install_python "$LOCK"
    # archived packages are sealed read-only: make them writable to replace the previous demo
    [ -d demo-output/archive ] && chmod -R u+w demo-output/archive
    rm -rf demo-output/archive demo-output/inbox
    status=0
    tour() { "$VENV/bin/python" -m sample_docs.demo_tour "$@" || status=1; }
    # tonight's scans: the samples and four broken files, which must be quarantined, not stop the batch
    mkdir -p demo-output && cp -R sample_docs/inbox demo-output/inbox
    tour bad-inputs demo-output/inbox
    run=0
    "$VENV/bin/sohoa" run --create --inbox demo-output/inbox --archive demo-output/archive --workers 2 || run=$?
    if [ "$run" -ne 3 ]; then  # 3: finished, some inputs quarantined (the four broken files)
      echo "demo: sohoa run exited $run; expected 3 (the samples archived, the broken files quarantined)" >&2
      status=1
    fi
    "$VENV/bin/sohoa" verify demo-output/archive || status=$?
    # a clerk confirms or corrects the first flagged field in the verification station (its JSON API)
    tour station demo-output/archive sample_docs/truth
    "$VENV/bin/sohoa" export --archive demo-output/archive --format jsonl --output demo-output/export.jsonl
    "$VENV/bin/sohoa" export --archive demo-output/archive --format xlsx --output demo-output/ho_so.xlsx
    # a lost catalog (on a copy of the archive): detected, rebuilt from the packages, same answers
    tour catalog demo-output/archive
    # the digitization rates of a one-stop-shop's received list (codes of the committed samples)
    "$VENV/bin/sohoa" kpi --archive demo-output/archive --received sample_docs/tiep-nhan-demo.csv \
      --from 01/01/2026 --to 31/12/2026 --html demo-output/bao-cao-so-hoa.html || status=$?
    # the archive by dossier code: dates from the papers, documents described; a real code set, then used
    tour records demo-output/archive sample_docs/tiep-nhan-demo.csv
    # whether this machine is ready for nightly runs (tools, fonts, certificate, archive, catalog)
    "$VENV/bin/sohoa" check --archive demo-output/archive || status=$?
    echo "demo: signed PDF/A files are in demo-output/archive/packages/*/representations/rep1/data/;" \
      "quarantined files in demo-output/archive/quarantine/"
    echo "demo: records in demo-output/export.jsonl and demo-output/ho_so.xlsx;" \
      "digitization rates in demo-output/bao-cao-so-hoa.html (exit $status)"
    exit "$status"
    ;;
  test)
    install_system "${APT_PACKAGES[@]}" "${TEST_APT_PACKAGES[@]}"; install_python "$LOCK"; install_eark
    shift
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  install)
    install_system "${APT_PACKAGES[@]}"; install_python "$LOCK"
    ;;
  bench)
    install_system "${APT_PACKAGES[@]}" ghostscript; install_python "$BENCH_LOCK"
    ;;
  lint)
    install_python "$LOCK"
    "$VENV/bin/ruff" check .
    "$VENV/bin/lint-imports"
    ;;
  lock|relock)
    compile_locks "$([ "$1" = relock ] && echo --upgrade || true)"
    shift
    exec bash "$0" test "$@"
    ;;
  *)
    echo "usage: bash setup.sh demo | test [pytest args] | install | bench | lint | lock | relock [pytest args]" >&2
    exit 2
    ;;
esac
