"""sohoa: scanned administrative dossiers in, signed PDF/A and archive packages out."""

__version__ = "0.1.0"
