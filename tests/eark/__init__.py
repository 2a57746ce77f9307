"""The E-ARK validation the tests use: eark-validator in its own virtualenv, run offline.

``bash setup.sh test`` installs ``eark-validator`` (pinned with hashes in
``requirements/lock-eark.txt``) into ``.venv-eark``: it pins ``lxml==5.1.0``, which the project's
own dependencies outgrew. :data:`EARK_VALIDATE` is the command; :func:`validate` runs it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

EARK_VALIDATE = Path(__file__).resolve().parent / "eark-validate"
"""``eark-validate PACKAGE_DIR...``: exit 0 when every package is valid (CSIP V2.0.4)."""


def validate(*packages: Path) -> subprocess.CompletedProcess[str]:
    """Run the validator on package folders; the caller asserts on ``returncode`` and ``stdout``."""
    return subprocess.run([str(EARK_VALIDATE), *map(str, packages)], capture_output=True, text=True, check=False)
