"""Properties (YAML frontmatter): splitting a note into properties and body, loading YAML safely,
formatting values, and splicing one property's lines without touching any other byte. Core: no I/O."""
