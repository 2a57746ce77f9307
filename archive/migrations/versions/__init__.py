"""The steps of the catalog's migration chain (see :mod:`archive.migrations`)."""
