"""Sample scanned dossiers with ground truth: the generator (``make_samples``) and the committed set.

Real dossiers carry personal data; this package makes look-alike ones for the demo, the tests
and the benchmarks. See ``sample_docs/README.md``.
"""

from __future__ import annotations
