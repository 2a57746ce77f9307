"""The verification station: clerks check and correct flagged fields in the browser (``sohoa review``).

It sits on top of the pipeline's layers (it imports ``archive``, ``fields``, ``configs`` and
``sohoa``; nothing imports it but the ``sohoa review`` command): :mod:`review.app` serves the page
and the JSON API, :mod:`review.service` does the work, :mod:`review.queue` hands out fields,
:mod:`review.accounts` keeps accounts and sessions, :mod:`review.store` its tables, and
:mod:`archive.corrections` makes a decision the archive's record.
"""

from __future__ import annotations
