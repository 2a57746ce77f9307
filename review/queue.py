"""The review queue: which fields await a person, who holds which, and how far each run has come.

The catalog's records are the truth; ``review_items`` is an index of the fields that were flagged
(and of every field a person decided on), kept in step with the catalog by :func:`sync` (dossiers
whose catalog row changed since the last sync) and by :func:`index_dossier` after each decision.

Two people never get the same field at the same time: handing out a field takes a lease on it
(``review_leases``, ``review.lease-minutes``, taken again when handed out again); a field leased by someone
else is neither listed for nor accepted from another person. Decisions on one dossier are
serialised by the dossier's lock (:mod:`archive.dossier_lock`), which works across processes and
machines on SQLite and PostgreSQL alike, and which ``sohoa code set`` takes too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import and_, case, delete, func, insert, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from archive.catalog import Catalog
from archive.decisions import CODE_FIELD, code_state
from review.store import Store, items, leases, meta

SYNC_CHUNK = 500


@dataclass(frozen=True)
class Filters:
    """Queue filters (empty = all)."""

    run: str = ""
    form_type: str = ""
    reason: str = ""


def item_rows(dossier_id: str, record: Mapping[str, object], *, ingested_at: str) -> list[dict]:
    """The ``review_items`` rows of one record: every field that was flagged or decided on."""
    base = {"dossier_id": dossier_id, "code": str(record.get("code") or dossier_id),
            "source": record.get("source"), "form_type": record.get("form_type"),
            "run": str(record.get("run") or ingested_at[:10]), "ingested_at": ingested_at}
    fields = record.get("fields") if isinstance(record.get("fields"), Mapping) else {}
    states = [(CODE_FIELD, code_state(record)), *fields.items()]
    rows = []
    for ord_, (key, state) in enumerate(states):
        if not isinstance(state, Mapping):
            continue
        status = str(state.get("status") or "ocr")
        flagged = bool(state.get("needs_review") or state.get("ocr_reason")
                       or (key == CODE_FIELD and record.get("code_review")))
        if not flagged and status == "ocr":
            continue
        box = state.get("box")
        rows.append({**base, "field": key, "ord": ord_, "reason": state.get("reason") or state.get("ocr_reason")
                     or ("low_confidence" if state.get("needs_review") else None),
                     "page": state.get("page") if isinstance(state.get("page"), int) else None,
                     "box": json.dumps(box) if _is_box(box) else None, "flagged": int(flagged), "status": status,
                     "reviewed_by": state.get("reviewed_by"), "reviewed_at": state.get("reviewed_at")})
    return rows


def _is_box(box: object) -> bool:
    """A C2 box: four numbers 0-1, x0 < x1, y0 < y1."""
    return (isinstance(box, (list, tuple)) and len(box) == 4 and all(isinstance(v, (int, float)) for v in box)
            and 0 <= box[0] < box[2] <= 1 and 0 <= box[1] < box[3] <= 1)


def index_dossier(store: Store, dossier_id: str, record: Mapping[str, object], *, ingested_at: str,
                  active: bool = True) -> None:
    """Replace the dossier's rows in the index (none for a disposed dossier)."""
    rows = item_rows(dossier_id, record, ingested_at=ingested_at) if active else []
    with store.write() as db:
        db.execute(delete(items).where(items.c.dossier_id == dossier_id))
        if rows:
            db.execute(insert(items), rows)


def sync(store: Store, catalog: Catalog) -> int:
    """Bring the index up to date with every catalog row changed since the last sync; returns how many."""
    with store.read() as db:
        since = db.execute(select(meta.c.value).where(meta.c.key == "synced_to")).scalar() or ""
    done, newest = 0, since
    while True:
        with catalog.snapshot() as cat:
            rows = cat.execute(text("SELECT dossier_id, record_json, created_at, updated_at, status FROM dossiers "
                                    "WHERE updated_at >= :t ORDER BY updated_at, dossier_id LIMIT :n OFFSET :o"),
                               {"t": since, "n": SYNC_CHUNK, "o": done}).all()
        if rows:
            fresh = [row for d, raw, created, _u, status in rows
                     for row in (item_rows(d, json.loads(raw), ingested_at=created) if status == "active" else [])]
            with store.write() as db:
                db.execute(delete(items).where(items.c.dossier_id.in_([r[0] for r in rows])))
                if fresh:
                    db.execute(insert(items), fresh)
            newest = max(newest, *(r[3] for r in rows))
        done += len(rows)
        if len(rows) < SYNC_CHUNK:
            break
    if newest != since:
        with store.write() as db:
            db.execute(delete(meta).where(meta.c.key == "synced_to"))
            db.execute(insert(meta).values(key="synced_to", value=newest))
    return done


def pending(store: Store, user: str, filters: Filters, *, limit: int) -> list[dict]:
    """Unresolved flagged fields the user may take, oldest dossier first, in the form's order."""
    now = time.time()
    query = (select(items).outerjoin(leases, and_(leases.c.dossier_id == items.c.dossier_id,
                                                  leases.c.field == items.c.field))
             .where(items.c.status == "ocr", items.c.flagged == 1,
                    or_(leases.c.holder.is_(None), leases.c.holder == user, leases.c.expires < now))
             .order_by(items.c.ingested_at, items.c.dossier_id, items.c.ord).limit(limit))
    for column, value in (("run", filters.run), ("form_type", filters.form_type), ("reason", filters.reason)):
        if value:
            query = query.where(items.c[column] == value)
    with store.read() as db:
        return [dict(r) for r in db.execute(query).mappings()]


def take(store: Store, user: str, keys: list[tuple[str, str]], *, seconds: float) -> set[tuple[str, str]]:
    """Lease fields to ``user`` (renewing their own leases); returns those actually taken."""
    now, taken = time.time(), set()
    with store.write() as db:
        for dossier_id, field in keys:
            stmt = _insert(store)(leases).values(dossier_id=dossier_id, field=field, holder=user, expires=now + seconds)
            stmt = stmt.on_conflict_do_update(
                index_elements=["dossier_id", "field"], set_={"holder": user, "expires": now + seconds},
                where=or_(leases.c.holder == user, leases.c.expires < now)).returning(leases.c.holder)
            if db.execute(stmt).first() is not None:  # (rowcount is unreliable for a no-op upsert in SQLite)
                taken.add((dossier_id, field))
    return taken


def holder(store: Store, dossier_id: str, field: str) -> str | None:
    """Who holds a live lease on a field, if anyone."""
    with store.read() as db:
        return db.execute(select(leases.c.holder).where(leases.c.dossier_id == dossier_id, leases.c.field == field,
                                                        leases.c.expires >= time.time())).scalar()


def release_others(store: Store, user: str, keys: set[tuple[str, str]]) -> None:
    """Give back the leases ``user`` took on fields the queue did not show them (another person may take them)."""
    if not keys:
        return
    with store.write() as db:
        for dossier_id, field in keys:
            db.execute(delete(leases).where(leases.c.dossier_id == dossier_id, leases.c.field == field,
                                            leases.c.holder == user))


def release(store: Store, dossier_id: str, field: str) -> None:
    """Drop the lease on a decided field."""
    with store.write() as db:
        db.execute(delete(leases).where(leases.c.dossier_id == dossier_id, leases.c.field == field))


def _insert(store: Store):  # noqa: ANN202 - the dialect's INSERT with ON CONFLICT
    return pg_insert if store.dialect == "postgresql" else sqlite_insert


def choices(store: Store) -> dict[str, list[str]]:
    """The runs, form types and reasons that have fields awaiting review (for the filters)."""
    out = {}
    with store.read() as db:
        for column in ("run", "form_type", "reason"):
            rows = db.execute(select(items.c[column]).distinct().where(items.c.status == "ocr", items.c.flagged == 1,
                                                                       items.c[column].is_not(None))
                              .order_by(items.c[column]))
            out[column] = [r[0] for r in rows]
    return out


def progress(store: Store) -> dict[str, list[dict]]:
    """Review progress per run (fields and dossiers, flagged and resolved) and per clerk."""
    done = case((items.c.status != "ocr", 1), else_=0)
    with store.read() as db:
        per_dossier = (select(items.c.run, items.c.dossier_id, func.count().label("flagged"),
                              func.sum(done).label("resolved"))
                       .where(items.c.flagged == 1).group_by(items.c.run, items.c.dossier_id).subquery())
        runs = db.execute(select(per_dossier.c.run, func.count().label("dossiers"),
                                 func.sum(case((per_dossier.c.resolved == per_dossier.c.flagged, 1), else_=0))
                                 .label("checked"),
                                 func.sum(per_dossier.c.flagged).label("fields"),
                                 func.sum(per_dossier.c.resolved).label("resolved"))
                          .group_by(per_dossier.c.run).order_by(per_dossier.c.run)).mappings().all()
        clerks = db.execute(select(items.c.reviewed_by.label("clerk"),
                                   func.sum(case((items.c.status == "confirmed", 1), else_=0)).label("confirmed"),
                                   func.sum(case((items.c.status == "corrected", 1), else_=0)).label("corrected"),
                                   func.max(items.c.reviewed_at).label("last"))
                            .where(items.c.reviewed_by.is_not(None)).group_by(items.c.reviewed_by)
                            .order_by(items.c.reviewed_by)).mappings().all()
    return {"runs": [{k: (int(v) if k != "run" and v is not None else v) for k, v in r.items()} for r in runs],
            "clerks": [{"clerk": c["clerk"], "confirmed": int(c["confirmed"] or 0),
                        "corrected": int(c["corrected"] or 0), "last": c["last"]} for c in clerks]}
