"""sohoa: scanned administrative dossiers in, signed PDF/A and archive packages out."""

import warnings as _warnings

__version__ = "0.1.0"

# pyHanko imports cryptography's DSA key type when it loads, and cryptography warns about DSA on
# every start. sohoa never signs or verifies with DSA: silence that one warning, where it arises.
_warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko\.")
