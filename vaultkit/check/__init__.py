"""`vaultkit check`: every finding about a vault (broken YAML, placeholders, links, plans, mojibake,
managed blocks), each with its path and line."""
