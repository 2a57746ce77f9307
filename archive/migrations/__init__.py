"""Alembic migrations of the archive catalog, run by :mod:`archive._catalog_migrate` (no ``env.py``:
sohoa runs them on its own connection, inside its own locked transaction).

Each file in ``versions/`` is one step of the chain, ``0002`` (the layout of schema version 2, which
also upgrades a first-release SQLite catalog in place) then ``0003`` and so on. A step writes its own
DDL and never imports the current tables of :mod:`archive._catalog_schema`, so what it does stays
fixed once released. To add a step: copy the newest file to ``NNNN_what.py``, set ``revision`` to
``NNNN`` and ``down_revision`` to the previous one, write ``upgrade()`` and ``downgrade()`` for both
SQLite and PostgreSQL (``op.get_bind().dialect.name``), update ``archive._catalog_schema`` and
``SCHEMA_VERSION``, and add the step to the upgrade test (``tests/test_catalog_migrations.py``).
"""
