"""Copying a catalog's rows into another catalog, across databases.

Used three ways: a backup of a PostgreSQL catalog is a SQLite catalog file holding the same rows
(so a backup copy verifies and restores with no database server, like a SQLite archive's); a
restore brings those rows back into an emptied PostgreSQL catalog; and ``sohoa catalog --move-to``
moves an archive's SQLite catalog into PostgreSQL when machines start sharing the archive.

The verification station's accounts go with the data (:data:`archive._catalog_schema.DATA_TABLES`);
its sessions, failed logins, leases and locks never do (a copy on backup media holds no live
session), and its review index is rebuilt by the station from the records. A full ``sohoa catalog
rebuild`` takes the accounts from the catalog file it set aside when that file can still be read
(:func:`carry_accounts`).

The source is read in one snapshot; the target is written in one transaction, so a failed copy
leaves it as it was. Ever-growing keys (event and disposal sequence numbers, search row ids) are
given anew by the target, in the source's order; the search index is rebuilt from the copied text.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import select

from archive._catalog_db import bind, bound_url, create_private_file, default_url, parse_url, sqlite_path
from archive._catalog_schema import DATA_TABLES, TRANSIENT_TABLES, review_users
from archive._catalog_store import CatalogStore
from archive.model import iso_vn
from sohoa.clock import now_vn
from sohoa.errors import ArchiveError

BATCH_ROWS = 1000


def backup_catalog(source: CatalogStore, path: Path) -> None:
    """Write a consistent, self-contained copy of ``source`` to the SQLite file ``path``, mode 0640.

    A SQLite catalog is copied with SQLite's online backup; another database's rows are copied from
    one snapshot into a new SQLite catalog (:func:`copy_catalog`). The copy is left in rollback-journal
    mode, so it opens read-only on read-only media with no write-ahead-log files beside it.
    """
    path.unlink(missing_ok=True)
    if source.dialect != "sqlite":
        with CatalogStore(path, archive_root=path.parent) as target:
            copy_catalog(source, target)
    else:
        create_private_file(path)
        target = sqlite3.connect(path)
        try:
            source.raw_sqlite().backup(target)
        finally:
            target.close()
    db = sqlite3.connect(path)
    try:
        present = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        with db:  # a copy holds no session, failed login, lease or lock of the station
            for table in TRANSIENT_TABLES:
                if table.name in present:
                    db.execute(f"DELETE FROM {table.name}")  # noqa: S608 - table names of our own schema
        db.execute("PRAGMA journal_mode=DELETE")
    finally:
        db.close()


def copy_catalog(source: CatalogStore, target: CatalogStore) -> dict[str, int]:
    """Append every row of ``source`` to ``target``; return how many rows per table.

    Raises:
        ArchiveError: ``target`` already holds dossiers (a copy never merges two catalogs), or a
            database fails.
    """
    if target.count("dossiers"):
        raise ArchiveError("the target catalog already holds dossiers; a copy goes only into an empty catalog",
                           reason="catalog_not_empty",
                           message_vi="Danh mục đích đã có hồ sơ; chỉ chép vào danh mục trống.")
    counts: dict[str, int] = {}
    with source.snapshot() as src, target.transaction() as dst:
        for table in DATA_TABLES:
            generated = {c.name for c in table.primary_key.columns if c.autoincrement is True}
            columns = [c for c in table.columns if c.name not in generated]
            order = list(table.primary_key.columns)
            result = src.execution_options(yield_per=BATCH_ROWS).execute(select(*columns).order_by(*order))
            counts[table.name] = 0
            for batch in result.mappings().partitions():
                dst.execute(table.insert(), [dict(row) for row in batch])
                counts[table.name] += len(batch)
        target.rebuild_search_index(dst)
    return counts


def move_catalog(archive_root: Path, url: str) -> tuple[dict[str, int], Path]:
    """Move the archive's own SQLite catalog into the database ``url`` and bind the archive to it.

    Writers are held off (SQLite write lock) while the rows are copied; stop every run first all
    the same, since a process that opened the old file before the move would go on writing there.
    The old file is kept, renamed ``catalog-moved-<time>.sqlite``.

    Returns:
        Rows copied per table, and the path the old file was kept under.

    Raises:
        ArchiveError: The archive's catalog is already in another database, or the target is not empty.
    """
    if bound_url(archive_root) is not None:
        raise ArchiveError("this archive's catalog is already in a database (catalog.url)",
                           reason="catalog_elsewhere",
                           message_vi="Danh mục của kho lưu trữ này đã nằm trong một cơ sở dữ liệu (catalog.url).")
    target_url, source_url = parse_url(url), default_url(archive_root)
    if sqlite_path(target_url) is not None and sqlite_path(target_url).resolve() == sqlite_path(source_url).resolve():
        raise ArchiveError("the catalog is already there", reason="catalog_elsewhere")
    with CatalogStore(source_url, archive_root=archive_root, create=False) as source, \
            CatalogStore(target_url, archive_root=archive_root) as target, source.transaction():
        counts = copy_catalog(source, target)
        bind(archive_root, target_url)
    old = sqlite_path(source_url)
    kept = old.with_name(f"catalog-moved-{iso_vn(now_vn()).replace(':', '')[:17]}.sqlite")
    os.replace(old, kept)
    return counts, kept


def carry_accounts(old_file: Path, target: CatalogStore) -> int | None:
    """Copy the station's accounts from a SQLite catalog file set aside into ``target``; how many.

    Returns:
        The number of accounts copied, or None when the file cannot be read (a lost or damaged
        catalog) or holds no station tables: the caller says the accounts were not recovered.
    """
    columns = [c.name for c in review_users.columns]
    try:
        db = sqlite3.connect(f"file:{old_file}?mode=ro", uri=True)
        try:
            rows = db.execute(f"SELECT {', '.join(columns)} FROM {review_users.name} ORDER BY name").fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    if rows:
        with target.transaction() as dst:
            dst.execute(review_users.insert(), [dict(zip(columns, row, strict=True)) for row in rows])
    return len(rows)
