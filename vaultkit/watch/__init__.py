"""`vaultkit watch`: a daemon that keeps rollups current while the user edits, and the service units
that run it. The only package that imports watchdog.

`filters` says which paths are not the vault's notes, `debounce` when a path has settled, `lock` makes one
daemon per vault, `daemon` runs the loop, `notion_push` pushes each round's changes to Notion from a thread
of its own (`watch --notion`); `service` renders a systemd user unit or a launchd agent, and `install`
writes, removes and inspects them.
"""
