"""`vaultkit watch`: a daemon that keeps rollups current while the user edits. The only package that
imports watchdog.

`filters` says which paths are not the vault's notes, `debounce` when a path has settled, `lock` makes one
daemon per vault, and `daemon` runs the loop.
"""
