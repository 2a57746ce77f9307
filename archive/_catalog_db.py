"""Where an archive's catalog lives, and the database engine that reaches it.

By default the catalog is the SQLite file ``<archive>/catalog.sqlite`` (mode 0640). An archive that
several machines share can keep its catalog in PostgreSQL instead: the site configuration's
``archive.catalog-url`` (or ``--catalog``) names it, and the first use writes the URL, without its
password, to ``<archive>/catalog.url``. From then on every command that is given the archive folder
finds the same catalog, and a command pointed at another catalog is refused: an archive never
splits its index over two databases. Passwords come from libpq (``~/.pgpass``, ``PGPASSFILE``,
``PGPASSWORD``) or the configured URL; they are never written, logged or shown.

Only the ``sqlite`` and ``postgresql`` dialects are supported: the append-only triggers and the
search index are written for those two.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from sohoa.errors import ArchiveError, ConfigError
from sohoa.files import atomic_write

CATALOG_NAME = "catalog.sqlite"
"""The default catalog: a SQLite file inside the archive folder."""
POINTER_NAME = "catalog.url"
"""The file inside an archive that names its catalog database when it is not the default file."""
DIALECTS = ("sqlite", "postgresql")
SQLITE_BUSY_SECONDS = 10.0
"""How long SQLite itself waits for another process's lock before sohoa logs the wait and tries again."""
SQLITE_LOCK_WAIT_SECONDS = 900.0
"""How long a writer waits in all for the write lock of a SQLite catalog before it gives up
(a long backup or rebuild holds it; a worker must not fail its dossier after a few seconds)."""
PG_CONNECT_SECONDS = 15
log = logging.getLogger(__name__)


def parse_url(text: str | URL) -> URL:
    """A validated catalog URL; ``postgresql://`` means the psycopg (3) driver.

    Raises:
        ConfigError: Not a URL, or a database kind the catalog does not support (the URL is not quoted).
    """
    try:
        url = make_url(text)
    except (ArgumentError, ValueError) as exc:
        raise ConfigError("the catalog URL is not a valid database URL",
                          message_vi="Địa chỉ cơ sở dữ liệu danh mục không hợp lệ.") from exc
    if url.get_backend_name() not in DIALECTS:
        raise ConfigError(f"catalog database {url.get_backend_name()!r} is not supported: use sqlite or postgresql",
                          message_vi="Chỉ hỗ trợ danh mục SQLite hoặc PostgreSQL.")
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() == "sqlite" and not url.database:
        raise ConfigError("a SQLite catalog URL must name a file",
                          message_vi="Địa chỉ danh mục SQLite phải chỉ tới một tệp.")
    return url


def shown(url: URL) -> str:
    """The URL as it may appear in messages and files: never with its password."""
    return without_password(url).render_as_string(hide_password=True)


def without_password(url: URL) -> URL:
    """``url`` with no password (``URL.set(password=None)`` would keep it)."""
    return URL.create(url.drivername, username=url.username, host=url.host, port=url.port,
                      database=url.database, query=url.query)


def default_url(archive_root: Path) -> URL:
    """The URL of the archive's own SQLite file."""
    return URL.create("sqlite", database=str(archive_root / CATALOG_NAME))


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite catalog URL, or None for another database."""
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def _same(a: URL, b: URL) -> bool:
    """True when two URLs name the same catalog (passwords aside; SQLite paths resolved)."""
    pa, pb = sqlite_path(a), sqlite_path(b)
    if pa is not None or pb is not None:
        return pa is not None and pb is not None and pa.resolve() == pb.resolve()
    return shown(a) == shown(b)


def bound_url(archive_root: Path) -> URL | None:
    """The catalog URL recorded in the archive's ``catalog.url``, or None."""
    pointer = archive_root / POINTER_NAME
    try:
        text = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ArchiveError(f"cannot read {POINTER_NAME} ({exc.strerror})", reason="catalog_failed") from exc
    return parse_url(text)


def has_catalog(archive_root: Path) -> bool:
    """True when the archive names a catalog database or holds its own catalog file."""
    return (archive_root / POINTER_NAME).is_file() or (archive_root / CATALOG_NAME).is_file()


def resolve_url(archive_root: Path, configured: str | URL | None = None) -> URL:
    """The catalog of ``archive_root``: the configured one, else the bound one, else the file.

    A configured catalog the archive is not bound to yet is bound by :func:`bind_new` once it opens.

    Args:
        archive_root: The archive folder.
        configured: ``--catalog`` or the site configuration's ``archive.catalog-url``; None when not set.

    Raises:
        ArchiveError: The archive is bound to another catalog, or already holds dossiers in its own
            SQLite file while another database is configured (move them first: ``sohoa catalog --move-to``).
        ConfigError: The configured URL is invalid.
    """
    bound = bound_url(archive_root)
    if configured is None or configured == "":
        return bound or default_url(archive_root)
    url = parse_url(configured)
    if bound is not None:
        if not _same(url, bound):
            raise _bound_elsewhere(bound)
        return url  # the configured one may carry the password the pointer leaves out
    if _same(url, default_url(archive_root)):
        return url
    if _sqlite_has_dossiers(archive_root / CATALOG_NAME):
        raise ArchiveError(
            f"this archive already has its catalog in {CATALOG_NAME}; move it to the configured database "
            f"first with `sohoa catalog --archive DIR --move-to URL`", reason="catalog_elsewhere",
            message_vi=f"Kho lưu trữ đã có danh mục trong {CATALOG_NAME}; hãy chuyển danh mục sang cơ sở dữ "
                       "liệu mới bằng `sohoa catalog --move-to` trước.")
    return url


def bind_new(archive_root: Path, url: URL) -> None:
    """Bind the archive to ``url`` unless it is bound already or ``url`` is its own file."""
    if bound_url(archive_root) is None and not _same(url, default_url(archive_root)):
        bind(archive_root, url)


def bind(archive_root: Path, url: URL) -> None:
    """Record ``url`` (without its password) as the archive's catalog in ``catalog.url``, mode 0640."""
    pointer = archive_root / POINTER_NAME
    try:
        archive_root.mkdir(parents=True, exist_ok=True)
        with atomic_write(pointer, "w") as fh:
            fh.write(shown(url) + "\n")  # type: ignore[attr-defined]
        os.chmod(pointer, 0o640)
    except OSError as exc:
        raise ArchiveError(f"cannot write {POINTER_NAME} ({exc.strerror})", reason="catalog_failed") from exc


def _bound_elsewhere(bound: URL) -> ArchiveError:
    """The refusal to open another catalog than the one the archive is bound to."""
    return ArchiveError(
        f"this archive's catalog is {shown(bound)} (see {POINTER_NAME}); another catalog was given",
        reason="catalog_elsewhere",
        message_vi=f"Danh mục của kho lưu trữ này là {shown(bound)} (tệp {POINTER_NAME}); "
                   "không dùng cơ sở dữ liệu khác.")


def _sqlite_has_dossiers(path: Path) -> bool:
    """True when ``path`` is a SQLite catalog holding at least one dossier."""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return db.execute("SELECT 1 FROM dossiers LIMIT 1").fetchone() is not None
        finally:
            db.close()
    except sqlite3.Error:
        return True  # unreadable: never bind past it silently


def create_private_file(path: Path) -> None:
    """Create a SQLite database file with mode 0640 if it does not exist yet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o640)
    try:
        if os.fstat(fd).st_size == 0:
            os.fchmod(fd, 0o640)
    finally:
        os.close(fd)


class BeginMode:
    """The BEGIN a SQLite transaction starts with: ``IMMEDIATE`` (write lock at once) for writes."""

    def __init__(self) -> None:
        """Start in read mode."""
        self.write = False


def make_engine(url: URL, mode: BeginMode, *, readonly: bool = False) -> Engine:
    """An engine for one catalog connection (no pool: a catalog is opened, used and closed).

    SQLite: WAL, full sync, transactions begun by us (``BEGIN IMMEDIATE`` for writes, so concurrent
    writers queue instead of failing on a lock upgrade; a writer waits up to
    :data:`SQLITE_LOCK_WAIT_SECONDS` for the lock, saying so in the log). Read-only: the file is
    opened ``mode=ro`` (never created, never written; a copy on read-only media works), or
    ``immutable`` when even that fails and no write-ahead log is beside it. PostgreSQL: psycopg, an
    application name for ``pg_stat_activity``, read-only transactions when ``readonly``. Statement
    parameters never appear in errors.
    """
    if url.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        memory = path is None or str(path) == ":memory:"
        if readonly and not memory:
            url = read_only_url(path)
        elif not memory:
            create_private_file(path)
        engine = create_engine(url, poolclass=NullPool, hide_parameters=True,
                               connect_args={"timeout": SQLITE_BUSY_SECONDS})
        event.listen(engine, "connect", _sqlite_read_only_connect if readonly else _sqlite_connect)
        event.listen(engine, "begin", lambda conn: _sqlite_begin(conn, mode, path))
        return engine
    options = {"options": "-c default_transaction_read_only=on"} if readonly else {}
    return create_engine(url, poolclass=NullPool, hide_parameters=True,
                         connect_args={"application_name": "sohoa", "connect_timeout": PG_CONNECT_SECONDS,
                                       **options})


def read_only_url(path: Path) -> URL:
    """A URL opening ``path`` read-only; ``immutable`` when the folder cannot hold SQLite's shared-memory
    file (read-only media) and no write-ahead log waits beside the file (it would be ignored)."""
    wal = path.with_name(path.name + "-wal")
    shm = path.with_name(path.name + "-shm")
    immutable = not os.access(path.parent, os.W_OK) and not shm.exists() and \
        not (wal.exists() and wal.stat().st_size > 0)
    if not immutable:  # a writable folder: is its file system read-only all the same?
        immutable = read_only_fs(path.parent) and not (wal.exists() and wal.stat().st_size > 0)
    query = {"mode": "ro", "uri": "true", **({"immutable": "1"} if immutable else {})}
    return URL.create("sqlite", database=f"file:{path}", query=query)


def read_only_fs(folder: Path) -> bool:
    """True when ``folder`` lies on a file system mounted read-only (root's access() says nothing)."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _sqlite_begin(conn: Connection, mode: BeginMode, path: Path | None) -> None:
    """Begin a transaction; a writer waits for the write lock, logging each wait, up to the limit."""
    raw = conn.connection.dbapi_connection
    statement = "BEGIN IMMEDIATE" if mode.write else "BEGIN"
    started = time.monotonic()
    while True:
        try:
            raw.execute(statement)  # type: ignore[union-attr]
            return
        except sqlite3.OperationalError as exc:
            waited = time.monotonic() - started
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if waited >= SQLITE_LOCK_WAIT_SECONDS:
                raise ArchiveError(
                    f"the catalog stayed locked by another process for {waited:.0f} s; nothing was written",
                    reason="catalog_busy",
                    message_vi="Danh mục lưu trữ bị tiến trình khác khóa quá lâu; chưa ghi gì. "
                               "Hãy chạy lại sau.") from exc
            log.warning("catalog %s: another process holds the write lock; waited %.0f s, waiting up to %.0f s",
                        path.name if path else "database", waited, SQLITE_LOCK_WAIT_SECONDS)


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    """Per-connection SQLite settings; pysqlite's own transaction handling is switched off."""
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=FULL")


def _sqlite_read_only_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    """A read-only connection: nothing it runs can write, and it changes no journal mode."""
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA query_only=1")
