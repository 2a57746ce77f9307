"""Validate E-ARK packages with eark-validator, offline; exit 0 only when every package is valid.

Run by ``eark-validate`` with the interpreter of ``.venv-eark`` (made by ``bash setup.sh test``
from ``requirements/lock-eark.txt``). eark-validator fetches four CSIP vocabularies over the
network when its schematron rules are built; here they are served from ``vocabularies/`` beside
this file (byte-exact copies, see README.md), and any other URL is refused, so the tests never
depend on the network or on anything outside the repository.

TT 05/2025 packages extend CSIP V2.0.4, so that is the rule set used (the validator's default,
V2.1.0, adds a CSIP63 rule that no TT 05/2025 package can meet).
"""

from __future__ import annotations

import io
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

VOCABULARIES = Path(__file__).resolve().parent / "vocabularies"
BASE_URL = "https://earkcsip.dilcis.eu/schema/"


def _offline_urlopen(url, *_args, **_kwargs):  # noqa: ANN001, ANN202 - urllib's signature
    """The four CSIP vocabularies from the repository; every other URL refused."""
    full = url.full_url if isinstance(url, urllib.request.Request) else str(url)
    local = VOCABULARIES / full.removeprefix(BASE_URL)
    if full.startswith(BASE_URL) and local.parent == VOCABULARIES and local.is_file():
        return io.BytesIO(local.read_bytes())  # read line by line as bytes, like a response
    raise urllib.error.URLError(f"offline E-ARK validation: refused to fetch {full}")


def _errors(report) -> list[str]:  # noqa: ANN001 - eark_validator.model.ValidationReport
    """One line per error-level message of a report."""
    messages = list(report.structure.messages) if report.structure else []
    if report.metadata is not None:
        messages += report.metadata.schema_results.messages + report.metadata.schematron_results.messages
    return [f"  {m.rule_id}: {m.message}" for m in messages if m.severity.value == "Error"]


def validate(path: Path) -> list[str]:
    """The errors of one package folder (empty when it is valid)."""
    from eark_validator.packages import PackageValidator
    from eark_validator.specifications.specification import SpecificationVersion

    if not (path / "METS.xml").is_file():
        return [f"  no METS.xml in {path}"]
    report = PackageValidator(path, SpecificationVersion.V2_0_4).validation_report
    errors = _errors(report)
    # The validator stops after a structure error and leaves metadata unset.
    if report.metadata is None or not report.is_valid:
        errors = errors or ["  not valid (no detail given)"]
    return errors


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: eark-validate PACKAGE_DIR...", file=sys.stderr)
        return 2
    urllib.request.urlopen = _offline_urlopen  # before eark_validator binds it
    invalid = 0
    with tempfile.TemporaryDirectory(prefix="eark-validate-") as scratch:
        tempfile.tempdir = scratch  # the validator leaves unpacked copies in the temp folder
        for arg in argv:
            try:
                errors = validate(Path(arg))
            except Exception as exc:  # noqa: BLE001 - a broken package is reported, the next one checked
                errors = [f"  {type(exc).__name__}: {exc}"]
            print(f"eark-validate: {'INVALID' if errors else 'VALID'} {arg}", *errors, sep="\n")
            invalid += bool(errors)
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
