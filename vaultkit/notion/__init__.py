"""Notion sync: the vault's plans, milestones and journals as pages of Notion databases.

The mapping from Markdown to Notion blocks and the planning of a sync are pure (values in, values out) so
tests drive them without HTTP; only the client edge imports `notion_client`.
"""
