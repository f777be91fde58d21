"""The fast line scanner: markdown-it-py's block structure in one pass, or `UndecidedError`.

Private to `vaultkit.markdown`: only the scanning facade (`vaultkit.markdown.scanner`) calls it. Compiled
with mypyc where a C compiler is at hand (setup.py); the same code runs as Python elsewhere."""
