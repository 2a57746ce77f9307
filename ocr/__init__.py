"""Pages → upright, deskewed images → words → searchable PDF/A."""
