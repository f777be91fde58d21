"""Making vaults and notes: `vaultkit init` from the template, `vaultkit new` from the vault's own
templates, level presets, Moment.js date formats and the starter notes."""
