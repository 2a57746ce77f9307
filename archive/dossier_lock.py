"""One writer of a dossier's next package version at a time, across processes and machines.

A correction in the verification station, a code change by ``sohoa code set`` and the station's code
field all read a dossier's current version, write version n+1 and point the catalog at it. Two of
them at once on one dossier would both derive from version n, and one change would be lost. So each
holds the dossier's lock while it works: a short-lived row in the catalog's ``review_locks`` table
(SQLite or PostgreSQL alike, so it holds between the station's web workers, a second station on
another machine and the command line). A lock left by a killed process expires after ``hold``
seconds.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from archive._catalog_schema import review_locks
from archive.catalog import Catalog
from archive.decisions import ReviewConflict

WAIT_SECONDS = 30.0
HOLD_SECONDS = 120.0


@contextlib.contextmanager
def dossier_lock(catalog: Catalog, dossier_id: str, owner: str, *, wait: float = WAIT_SECONDS,
                 hold: float = HOLD_SECONDS) -> Iterator[None]:
    """Hold the lock of one dossier for the block's duration.

    Args:
        catalog: The archive's open catalog (not inside a transaction: the lock must be seen at once).
        dossier_id: The dossier (internal id).
        owner: Who holds it (unique per holder, e.g. ``lan:<nanoseconds>``).
        wait: Seconds to wait for a lock someone else holds.
        hold: Seconds after which a lock nobody released is taken as abandoned.

    Raises:
        ReviewConflict: reason ``dossier_busy`` when the lock is not free within ``wait`` seconds.
    """
    insert = pg_insert if catalog.dialect == "postgresql" else sqlite_insert
    deadline = time.time() + wait
    while True:
        now = time.time()
        with catalog.transaction() as db:
            db.execute(delete(review_locks).where(review_locks.c.dossier_id == dossier_id,
                                                  review_locks.c.expires < now))
            stmt = insert(review_locks).values(dossier_id=dossier_id, holder=owner, expires=now + hold)
            if db.execute(stmt.on_conflict_do_nothing(index_elements=["dossier_id"])
                          .returning(review_locks.c.holder)).first() is not None:
                break
        if now > deadline:
            raise ReviewConflict("another change of this dossier is still being saved", reason="dossier_busy",
                                 message_vi="Hồ sơ đang được lưu bởi thao tác khác; hãy thử lại sau giây lát.")
        time.sleep(0.05)
    try:
        yield
    finally:
        with catalog.transaction() as db:
            db.execute(delete(review_locks).where(review_locks.c.dossier_id == dossier_id,
                                                  review_locks.c.holder == owner))
