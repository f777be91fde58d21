"""Review notes: a weekly, monthly or quarterly review pre-filled with what moved in its period."""
