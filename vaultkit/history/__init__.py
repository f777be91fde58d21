"""Progress over time: the history of every plan's and milestone's done/total, and the charts and sparklines
drawn from it (pure renderers: `chart`, `sparkline`, `skills`)."""
