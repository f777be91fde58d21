"""Progress over time: the history of every plan's and milestone's done/total, and what is drawn from it."""
