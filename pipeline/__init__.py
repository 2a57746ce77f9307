"""Orchestration: the Luigi tasks over the stage functions, the ``sohoa`` command, reports and exports."""

import os as _os
from pathlib import Path as _Path

# Luigi reads its settings when it is first imported and warns at every start unless
# `[core] autoload_range` is set: name our settings file before any module here imports it.
_os.environ.setdefault("LUIGI_CONFIG_PATH", str(_Path(__file__).with_name("luigi.cfg")))
