"""Bringing documents in and mending notes: `vaultkit import` (planning, then applying), `vaultkit fix`,
and the repairs both use (encoding, placeholders, metadata kept as YAML comments)."""
