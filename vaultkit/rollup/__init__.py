"""Rollup: progress math across notes, the plan of property changes (pure), applying it to the files,
and the dashboards' managed blocks with their rendering."""
