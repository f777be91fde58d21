"""Progress over time: the history of plans' done/total, and the charts and sparklines drawn from it."""
