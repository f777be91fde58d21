"""A note as vaultkit understands it: the parsed `Note`, the `NoteRecord` the vault keeps of it, and the
value types both are made of (tasks, links, headings). Core: values in, values out, no I/O but `Note.load`
and `Note.save`, which go through `vaultkit.fileio`."""
