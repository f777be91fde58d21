"""Reading a note body: one scanning facade (`markdown.scanner`) that chooses between the compiled fast
scanner (`_fast`, private to this package) and markdown-it-py (`markdown.oracle`), plus what the text alone
decides: `%% comments %%`, managed-block markers, mojibake. Core: text in, values out."""
