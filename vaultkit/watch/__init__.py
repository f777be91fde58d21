"""The watcher daemon: live rollups while the user edits (the only package that imports watchdog)."""
