"""Untrusted names and the messages users see: each test here names a case that once went wrong.

Note arguments whose file names hold link syntax (`#`, `|`, trailing spaces), titles too long for a file
name, and messages that said the wrong thing (a UTF-16 note called binary, a `.vaultkit` file reported as
"Not a directory", a read refused as a write, a long property name said to "change other data").
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from vaultkit import Note
from vaultkit.cli.commands import main
from vaultkit.errors import NoteError, UnsafePathError
from vaultkit.scaffold.create import init_vault
from vaultkit.scaffold.templates import MAX_NAME_BYTES, fit_bytes, safe_note_name


def run(*args: str, vault: Path | None = None) -> Result:
    env = {"VAULTKIT_VAULT": str(vault) if vault else "", "COLUMNS": "100"}
    result = CliRunner().invoke(main, list(args), prog_name="vaultkit", env=env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback would have reached the user
    return result


def make_vault(tmp_path: Path, notes: dict[str, str]) -> Path:
    root = tmp_path / "vault"
    (root / ".obsidian").mkdir(parents=True)
    for rel, text in notes.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


# ------------------------------------------------------------------------ notes named by their path

NAMES = ["Plans/C# notes.md", "A|B.md", "Name .md", "Folder /Inner.md", "Ends with # and space .md"]


@pytest.mark.parametrize("rel", NAMES)
def test_a_vault_relative_path_with_link_syntax_is_found_from_anywhere(
    tmp_path: Path, rel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Decoys the link reading would pick: `C`, `A` and `Name` exist as notes of their own.
    root = make_vault(
        tmp_path,
        {rel: "---\nstatus: open\n---\n", "C.md": "", "A.md": "", "Name.md": "", "Other/A.md": ""},
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run("show", rel, "--json", vault=root)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["path"] == rel
    result = run("set", rel, "status", "done", vault=root)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{rel}: status = done\n"
    assert (root / rel).read_text(encoding="utf-8") == "---\nstatus: done\n---\n"
    assert (root / "C.md").read_text(encoding="utf-8") == ""


@pytest.mark.parametrize(
    ("name", "rel"), [("Plans/C# notes", "Plans/C# notes.md"), ("Name ", "Name .md"), ("A|B", "A|B.md")]
)
def test_a_vault_relative_path_may_leave_off_md(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, rel: str
) -> None:
    root = make_vault(tmp_path, {rel: "", "C.md": "", "Name.md": "", "A.md": ""})
    monkeypatch.chdir(tmp_path)
    result = run("show", name, "--json", vault=root)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["path"] == rel


def test_link_names_still_resolve_when_no_path_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(tmp_path, {"Plans/Growth.md": "# Goals\n"})
    monkeypatch.chdir(tmp_path)
    for name in ("Growth", "[[Growth#Goals]]", "Growth|alias", " Growth "):
        result = run("show", name, "--json", vault=root)
        assert result.exit_code == 0, (name, result.output)
        assert json.loads(result.stdout)["path"] == "Plans/Growth.md"


# ------------------------------------------------------------------------ titles longer than a file name


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pristine") / "vault"
    init_vault(root, name="Ada", role="Data Engineer", level="senior", today=dt.date(2026, 11, 22))
    return root


@pytest.fixture
def scaffolded(tmp_path: Path, pristine: Path) -> Path:
    target = tmp_path / "vault"
    shutil.copytree(pristine, target, symlinks=True, ignore=shutil.ignore_patterns(".vaultkit"))
    return target


def test_new_plan_with_a_title_too_long_for_a_file_name(scaffolded: Path) -> None:
    title = "計画" * 40  # 80 characters, 240 bytes: with `.md` and the temporary name, over 255 bytes
    result = run("new", "plan", title, vault=scaffolded)
    assert result.exit_code == 0, result.output
    name = "計画" * 33  # 66 characters, 198 bytes: the most whole characters within MAX_NAME_BYTES
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES < len(name.encode("utf-8")) + 3
    assert result.stdout.startswith(f"created Plans/{name}.md")
    note = Note.load(scaffolded / "Plans" / f"{name}.md")
    assert note.properties["title"] == title  # the whole title is kept
    assert note.text.count(f"\n# {name}\n") == 1  # `{{title}}` is the note's name, as in Obsidian
    assert [p.name for p in (scaffolded / "Plans").iterdir() if "vaultkit-tmp" in p.name] == []


def test_new_plan_with_77_cjk_characters(scaffolded: Path) -> None:
    title = "研" * 77
    result = run("new", "plan", title, vault=scaffolded)
    assert result.exit_code == 0, result.output
    (created,) = [p for p in (scaffolded / "Plans").iterdir() if p.name.startswith("研")]
    assert created.name == "研" * 66 + ".md"
    assert Note.load(created).properties["title"] == title


def test_new_plan_cut_at_120_characters_keeps_the_title(scaffolded: Path) -> None:
    title = "Grow " * 40
    result = run("new", "plan", title, vault=scaffolded)
    assert result.exit_code == 0, result.output
    name = ("Grow " * 24).strip()
    assert Note.load(scaffolded / "Plans" / f"{name}.md").properties["title"] == title.strip()


def test_a_title_that_fits_gets_no_title_property(scaffolded: Path) -> None:
    result = run("new", "plan", "研" * 60, vault=scaffolded)
    assert result.exit_code == 0, result.output
    assert "title" not in Note.load(scaffolded / "Plans" / f"{'研' * 60}.md").properties


def test_import_names_fit_the_byte_limit(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {})
    heading = "長い見出し" * 30
    source = tmp_path / "doc.md"
    source.write_text(
        f"# {heading}\n\n## {heading}\n\n- [ ] a\n\n## {heading}\n\n- [ ] b\n", encoding="utf-8"
    )
    result = run("import", str(source), "--split-level", "2", vault=root)
    assert result.exit_code == 0, result.output
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))
    assert len(names) == 3
    for name in names:  # room left for a ` 2` that makes a name unique, and for the temporary name
        assert len(name.rsplit("/", 1)[-1].encode("utf-8")) <= MAX_NAME_BYTES + len(" 99.md")
    plan = next(n for n in names if n.startswith("Plans/"))
    assert Note.load(root / plan).properties["title"] == heading
    assert "the name is cut to fit a file name" in result.stdout


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("ab\U0001f468\u200d\U0001f469\u200d\U0001f467", 10, "ab"),  # a family emoji is one character
        ("ae\u0301", 3, "a"),  # never an accent without its letter
        ("x\U0001f1eb\U0001f1f7\U0001f1e9\U0001f1ea", 13, "x\U0001f1eb\U0001f1f7"),  # flags are pairs
        ("ok\U0001f44d\U0001f3fd", 6, "ok"),  # a skin tone stays with its hand
        ("\u00e9t\u00e9", 4, "\u00e9t"),  # never half of a UTF-8 sequence
        ("e\u0301" * 3, 1, "e"),  # a cluster longer than the limit is cut inside rather than lost
        ("short", 200, "short"),
    ],
)
def test_fit_bytes_cuts_between_whole_characters(text: str, limit: int, expected: str) -> None:
    assert fit_bytes(text, limit) == expected


@given(st.text(max_size=400), st.integers(min_value=1, max_value=300))
def test_fit_bytes_is_a_prefix_within_the_limit(text: str, limit: int) -> None:
    cut = fit_bytes(text, limit)
    assert text.startswith(cut)
    assert len(cut.encode("utf-8", "surrogatepass")) <= limit
    if cut != text and (not cut or unicodedata.category(text[len(cut)]) in ("Mn", "Mc", "Me")):
        # inside a cluster (or nothing) only when the first cluster alone is over the limit, and then
        # as many characters as fit
        assert len(text[: len(cut) + 1].encode("utf-8", "surrogatepass")) > limit


@given(st.text(min_size=1, max_size=300))
def test_safe_note_names_always_fit(title: str) -> None:
    try:
        name = safe_note_name(title)
    except UnsafePathError:  # refused titles are tested in test_templates.py
        return
    assert len(f".{name}.md.XXXXXXXX.vaultkit-tmp 99".encode("utf-8", "surrogatepass")) <= 255
    assert len(name) <= 120


def test_a_dot_is_not_a_title(scaffolded: Path) -> None:
    result = run("new", "plan", ".", vault=scaffolded)
    assert result.exit_code != 0
    assert "'.' is not a valid title" in result.stderr
    assert ".." not in result.stderr


# ------------------------------------------------------------------------ messages that say what is wrong


@pytest.mark.parametrize(
    ("encoding", "bom", "name"),
    [("utf-16-le", b"\xff\xfe", "UTF-16 (LE)"), ("utf-16-be", b"\xfe\xff", "UTF-16 (BE)")],
)
def test_a_utf16_note_is_called_utf16_and_import_converts_it(
    tmp_path: Path, encoding: str, bom: bytes, name: str
) -> None:
    text = "---\ntype: plan\n---\n# Wachstum\n\n- [ ] Grüße\n"
    root = make_vault(tmp_path, {})
    data = bom + text.encode(encoding)
    (root / "Wide.md").write_bytes(data)
    result = run("check", "--json", vault=root)
    (finding,) = json.loads(result.stdout)["problems"]
    assert finding["code"] == "encoding"
    assert finding["message"].startswith(f"{name} text, not UTF-8")
    assert "binary" not in finding["message"]
    assert "vaultkit import" in finding["message"]
    assert (root / "Wide.md").read_bytes() == data  # left alone

    source = tmp_path / "wide.md"
    source.write_bytes(data)
    result = run("import", str(source), "--into", "Imported", vault=root)
    assert result.exit_code == 0, result.output
    assert f"the file is {name} text, not UTF-8; converted to UTF-8" in result.stdout
    imported = (root / "Imported" / "Wachstum.md").read_text(encoding="utf-8")
    assert "\ufeff" not in imported
    assert imported.endswith("# Wachstum\n\n- [ ] Grüße\n")


def test_a_vaultkit_file_instead_of_a_folder(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"a.md": "# a\n"})
    (root / ".vaultkit").write_text("not a folder", encoding="utf-8")
    result = run("status", vault=root)
    assert result.exit_code == 2
    assert result.stderr == (
        f"vaultkit: {root / '.vaultkit'}: is a file, not a folder; vaultkit keeps its settings "
        "(config.toml) and index there, so move or rename that file and run the command again\n"
    )
    assert "Not a directory" not in result.stderr
    assert (root / ".vaultkit").read_text(encoding="utf-8") == "not a folder"


LIST_TYPE = '---\ntype: [milestone]\nplan: "[[Growth]]"\n---\n- [ ] a\n'


def test_a_list_type_is_named_by_rollup_and_check(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"Growth.md": "---\ntype: plan\n---\n", "Talk.md": LIST_TYPE})
    result = run("rollup", "--dry-run", vault=root)
    assert (
        "skipped Talk.md: has a `plan` property, but `type` must be text, not a list "
        "(write `type: milestone`) to roll it up"
    ) in result.stdout
    assert "no `type`" not in result.stdout
    result = run("check", "--json", vault=root)
    findings = json.loads(result.stdout)["problems"]
    assert [(f["path"], f["line"], f["code"], f["message"]) for f in findings] == [
        (
            "Talk.md",
            3,
            "plan",
            "`type` must be text, not a list (write `type: milestone`); rollup leaves this note out",
        )
    ]


def test_a_plan_whose_type_is_a_list_is_named_by_check(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path,
        {
            "Growth.md": "---\ntype: [plan]\n---\n",
            "Talk.md": '---\ntype: milestone\nplan: "[[Growth]]"\n---\n',
        },
    )
    findings = json.loads(run("check", "--json", vault=root).stdout)["problems"]
    assert [f["message"] for f in findings] == [
        "`plan` links to Growth.md, which is not a plan (its `type` is ['plan'], not text; set `type: plan` "
        "there, or fix the link)"
    ]


def test_a_template_outside_the_vault_is_refused_as_a_read(scaffolded: Path) -> None:
    (scaffolded.parent / "secret.md").write_text("---\ntype: plan\n---\n", encoding="utf-8")
    (scaffolded / ".vaultkit").mkdir(exist_ok=True)
    (scaffolded / ".vaultkit" / "config.toml").write_text('[new]\nplan_template = "../../secret"\n', "utf-8")
    result = run("new", "plan", "Title", vault=scaffolded)
    assert result.exit_code != 0
    assert "refusing to read from there" in result.stderr
    assert "write" not in result.stderr
    assert not (scaffolded / "Plans" / "Title.md").exists()


def test_set_with_a_key_over_1024_characters(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"Note.md": "---\na: 1\n---\n"})
    result = run("set", "Note.md", "k" * 1025, "v", vault=root)
    assert result.exit_code == 2
    assert result.stderr == (
        f"vaultkit: property name {'k' * 30!r}… (1,025 characters) is too long: YAML allows at most 1,024 "
        "characters in a key (counting quotes and escapes); use a shorter name\n"
    )
    assert (root / "Note.md").read_text(encoding="utf-8") == "---\na: 1\n---\n"
    result = run("set", "Note.md", "k" * 1024, "v", vault=root)
    assert result.exit_code == 0, result.output
    assert Note.load(root / "Note.md").properties == {"a": 1, "k" * 1024: "v"}


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1010, max_size=1040))
def test_a_long_key_is_set_or_refused_as_too_long(key: str) -> None:
    note = Note.parse("---\na: 1\n---\n")
    try:
        note.set_property(key, "v")
    except NoteError as exc:
        assert "too long: YAML allows at most 1,024 characters in a key" in str(exc)
        assert note.text == "---\na: 1\n---\n"
    else:
        assert Note.parse(note.text).properties == {"a": 1, key: "v"}
