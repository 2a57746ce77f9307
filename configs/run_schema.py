"""The validated shape of the ``run`` section of the site configuration: what a run leaves behind."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class RunSettings(BaseModel):
    """Housekeeping and monitoring of ``sohoa run``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    keep_work_days: float | None = Field(
        7, ge=0, description="Work files of an archived dossier are removed at the end of the first run this many "
                             "days after it was archived (0: by the run that archived it; null: never).")
    metrics_file: Path | None = Field(
        None, description="Prometheus text file written at the end of each run (node_exporter's textfile "
                          "collector), e.g. /var/lib/prometheus/node-exporter/sohoa.prom; default none.")
    lock_stale_after: float = Field(
        600, ge=60, description="Seconds without a sign of life after which the run lock of a run on another "
                                "machine is taken over (its machine died).")
