"""`vaultkit set` and `unset`: editing one property of one note, losslessly; rollup's own properties and
values that do not fit `.obsidian/types.json` are refused unless `--force`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from vaultkit.cli.output import echo

if TYPE_CHECKING:
    from vaultkit.notes.note import Note
    from vaultkit.vault import Vault

from vaultkit.cli.app import EXIT_USAGE, CliUsageError, fail, open_vault, resolve_note, vault_option
from vaultkit.cli.output import show_value

# ------------------------------------------------------------------------------------------ set, unset


def _save_edit(vault: Vault, path: str, edit: Callable[[Note], None]) -> bool:
    """Load, edit and save one note; note errors become one line with the vault-relative path."""
    from vaultkit.errors import NoteError

    try:
        target = vault.load(path)
        edit(target)
        return target.save()
    except NoteError as exc:
        fail(f"{path}:{exc.line}: {exc.reason}" if exc.line else f"{path}: {exc.reason}")


def _check_key(key: str) -> None:
    if not key.strip() or any(c in key for c in "\r\n"):
        raise CliUsageError(f"invalid property name {key!r}")


def _owned_refusal(vault: Vault, path: str, key: str, force: bool, unset: bool = False) -> None:
    """Refuse (exit 2) to change a property rollup computes for this note, unless `force`."""
    from vaultkit.errors import VaultError
    from vaultkit.rollup.apply import load_settings
    from vaultkit.rollup.owned import owned_properties

    summary = vault.summaries.get(path)
    if force or summary is None:
        return
    try:
        settings = load_settings(vault)
    except VaultError:
        return  # rollup cannot run with this config, so it owns nothing; `vaultkit rollup` says why
    why = owned_properties(settings, summary.type).get(key)
    if why is not None:
        fail(
            f"{path}: {key} is computed by `vaultkit rollup` {why}; --force "
            + (
                "removes it anyway (the next rollup will write it again)"
                if unset
                else "sets it anyway (the next rollup will replace it)"
            ),
            EXIT_USAGE,
        )


def _typed_value(vault: Vault, path: str, key: str, value: Any, force: bool) -> Any:
    """`value` in the shape its declared type (`.obsidian/types.json`) takes; exit 2 when it does not fit."""
    from vaultkit.props.types import PropertyTypeError, coerce_value

    types = vault.property_types
    if types.problem:
        echo(f"vaultkit: warning: {types.problem}", err=True)
    type_id = types.of(key)
    if type_id is None:
        return value
    try:
        return coerce_value(key, type_id, value)
    except PropertyTypeError as exc:
        if force:
            return value
        fail(f"{path}: {exc} (--force sets it anyway)", EXIT_USAGE)


@click.command(
    name="set",
    epilog="""\b
Examples:
  vaultkit set "Growth plan" status done
  vaultkit set "Growth plan" due 2026-12-01
  vaultkit set Milestones/Talk.md plan "[[Growth plan]]"
  vaultkit set "Growth plan" tags "[pdp, career]"
  vaultkit set "Growth plan" version 1.10     # kept as the text 1.10
  vaultkit set "Growth plan" progress 90 --force
""",
)
@click.argument("note", metavar="NOTE")
@click.argument("key", metavar="KEY")
@click.argument("value", metavar="VALUE")
@click.option(
    "--force",
    is_flag=True,
    help="Set a property that `vaultkit rollup` computes (the next rollup replaces it), or a value that "
    "does not fit the type declared in .obsidian/types.json.",
)
@vault_option
def set_(note: str, key: str, value: str, force: bool, vault_path: str | None) -> None:
    """Set one property of a note, changing only its lines.

    Sets property KEY of NOTE to VALUE. NOTE is a vault-relative path, a file path or a note name as
    in a link. VALUE is read as a YAML
    scalar or flow list: `42`, `true`, `2026-12-01`, `[[My Plan]]`, `[a, b]`; an empty VALUE leaves
    the property empty. Text that YAML would change is kept as typed (`1.10`, `NO`, `#pdp`,
    `Fix: it`). Every other byte of the note stays as it was (comments, order, CRLF line ends), and
    nothing is written when the value is already set; a write keeps the file's owner, group and mode. A
    note whose properties do not load is left alone (exit status 1), as is a read-only note (no write
    permission for its owner) and a note that changed on disk while vaultkit worked on it.

    Properties that `vaultkit rollup` computes on the note (`tasks_done`, `tasks_total`, `progress`,
    `milestones_done`, `milestones_total`, and `status` and `completed` where status automation is on)
    are refused (exit status 2) unless --force. Where `.obsidian/types.json` declares the property's
    type, VALUE must fit it (exit status 2 otherwise): a `date` takes 2026-12-01, a `datetime`
    2026-12-01T10:30:00, a `number` a number, a `checkbox` true or false; a list type (`multitext`,
    `tags`, `aliases`) makes a single value a one-item list.
    """
    from vaultkit.cli.values import parse_cli_value
    from vaultkit.errors import VaultkitError
    from vaultkit.props.yaml_format import key_length_problem

    _check_key(key)
    too_long = key_length_problem(key)
    if too_long:
        raise CliUsageError(too_long)
    try:
        parsed = parse_cli_value(value)
    except VaultkitError as exc:
        raise CliUsageError(str(exc)) from exc
    vault = open_vault(vault_path)
    path = resolve_note(vault, note)
    _owned_refusal(vault, path, key, force)
    parsed = _typed_value(vault, path, key, parsed, force)
    wrote = _save_edit(vault, path, lambda target: target.set_property(key, parsed))
    shown = show_value(parsed) if not isinstance(parsed, list) else f"[{show_value(parsed)}]"
    echo(f"{path}: {key} = {shown}" if wrote else f"{path}: {key} already {shown}; nothing written")


@click.command(
    epilog="""\b
Examples:
  vaultkit unset "Growth plan" due
"""
)
@click.argument("note", metavar="NOTE")
@click.argument("key", metavar="KEY")
@click.option(
    "--force",
    is_flag=True,
    help="Remove a property that `vaultkit rollup` computes (the next rollup writes it again).",
)
@vault_option
def unset(note: str, key: str, force: bool, vault_path: str | None) -> None:
    """Remove one property of a note, changing only its lines.

    Removes property KEY from NOTE. NOTE is a vault-relative path, a file path or a note name as in a
    link. A missing key is not an error: nothing is written. A property that `vaultkit rollup` computes
    on the note is refused (exit status 2) unless --force.
    """
    _check_key(key)
    vault = open_vault(vault_path)
    path = resolve_note(vault, note)
    _owned_refusal(vault, path, key, force, unset=True)
    wrote = _save_edit(vault, path, lambda target: target.delete_property(key))
    echo(f"{path}: {key} removed" if wrote else f"{path}: no property {key}; nothing written")
