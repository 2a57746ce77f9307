#!/usr/bin/env bash
# One entry point for a fresh Debian machine (as root, or with sudo available):
#   bash setup.sh demo   install everything, then run the pipeline on sample_docs/ into demo-output/
#   bash setup.sh test   install everything, then run the test suite
# Safe to run again: installed parts are kept, nothing in sample_docs/ is modified.
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(tesseract-ocr tesseract-ocr-vie poppler-utils fonts-liberation2 softhsm2 opensc
              python3 python3-venv python3-pip)
# Only the tests need these: a throw-away PostgreSQL cluster for the catalog tests, NSS tools for pdfsig,
# and the sample generator's font families (DejaVu, its ExtraLight pen for handwriting, GNU FreeFont).
TEST_APT_PACKAGES=(postgresql libnss3-tools fonts-dejavu-core fonts-dejavu-extra fonts-freefont-ttf)
VENV=${SOHOA_VENV:-.venv}

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

install_python() {
  if [ ! -x "$VENV/bin/python" ]; then
    echo "setup: creating virtualenv $VENV"
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  echo "setup: installing sohoa and its Python dependencies"
  "$VENV/bin/python" -m pip install -q -e ".[dev]"
}

case "${1:-}" in
  demo)
    install_system "${APT_PACKAGES[@]}"; install_python
    # archived packages are sealed read-only: make them writable to replace the previous demo
    [ -d demo-output/archive ] && chmod -R u+w demo-output/archive
    rm -rf demo-output/archive
    status=0
    "$VENV/bin/sohoa" run --inbox sample_docs/inbox --archive demo-output/archive --workers 2 || status=$?
    "$VENV/bin/sohoa" export --archive demo-output/archive --format jsonl --output demo-output/export.jsonl
    "$VENV/bin/sohoa" export --archive demo-output/archive --format xlsx --output demo-output/ho_so.xlsx
    "$VENV/bin/sohoa" verify demo-output/archive || status=$?
    echo "demo: signed PDF/A files are in demo-output/archive/packages/*/representations/rep1/data/"
    echo "demo: records in demo-output/export.jsonl and demo-output/ho_so.xlsx (exit $status)"
    exit "$status"
    ;;
  test)
    install_system "${APT_PACKAGES[@]}" "${TEST_APT_PACKAGES[@]}"; install_python
    shift
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: bash setup.sh demo | bash setup.sh test [pytest args]" >&2
    exit 2
    ;;
esac
