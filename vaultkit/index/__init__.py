"""The vault index: a cache in `.vaultkit/cache/` of what each note holds (summary, tasks, outline), kept in
line with the files by stat and content hash; extraction runs in a worker pool on a cold start. Deletable:
every entry can be rebuilt from the notes."""
