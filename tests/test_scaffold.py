"""`vaultkit init` and `vaultkit new` on real folders: the created vault is clean and rolled up, notes come
from the vault's own templates and settings, and nothing is ever overwritten or written outside the vault.

Golden files: tests/fixtures/scaffold/. After a deliberate change to the starter notes, regenerate with
`VAULTKIT_UPDATE_GOLDEN=1 pytest tests/test_scaffold.py` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultkit import Note, Vault
from vaultkit.check.findings import check_vault
from vaultkit.cli.commands import main
from vaultkit.errors import NoteError, UnsafePathError, VaultError
from vaultkit.scaffold.create import init_vault, new_note, new_settings, template_root
from vaultkit.scaffold.presets import LEVELS
from vaultkit.scaffold.starter import starter_notes

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "scaffold"
TODAY = dt.date(2026, 11, 22)  # a Sunday
NOW = dt.datetime(2026, 11, 22, 8, 30, 0)


def tree(root: Path) -> dict[str, bytes]:
    """Every file below `root` and its bytes: dot-folders included, vaultkit's own index cache left out."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".vaultkit" not in p.relative_to(root).parts[:-1]
    }


def make_vault(tmp_path: Path, level: str = "senior") -> Path:
    root = tmp_path / "vault"
    init_vault(root, name="Ada Lovelace", role="Data Engineer", level=level, today=TODAY, now=NOW)
    return root


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One vault made by `init`, copied by `root` for each test (init and rollup take a moment)."""
    return make_vault(tmp_path_factory.mktemp("pristine"))


@pytest.fixture
def root(tmp_path: Path, pristine: Path) -> Path:
    target = tmp_path / "vault"
    shutil.copytree(pristine, target, symlinks=True, ignore=shutil.ignore_patterns(".vaultkit"))
    return target


# ------------------------------------------------------------------------------------------ init


def test_init_creates_a_clean_rolled_up_vault(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    report = init_vault(root, name="Ada Lovelace", role="Data Engineer", level="senior", today=TODAY, now=NOW)
    plan = "Plans/Senior Data Engineer PDP.md"
    assert report.plan == plan
    assert report.skipped == []
    assert sorted(report.created) == sorted(
        [
            ".obsidian/app.json",
            ".obsidian/core-plugins.json",
            ".obsidian/daily-notes.json",
            ".obsidian/templates.json",
            ".obsidian/types.json",
            "Bases/Milestones.base",
            "Bases/Plans.base",
            "Home.md",
            "Milestones/Senior Data Engineer - 90-day goals.md",
            "Milestones/Senior Data Engineer - long-term goals.md",
            plan,
            "Templates/Career ladder.md",
            "Templates/Daily journal.md",
            "Templates/Milestone.md",
            "Templates/Monthly check-in.md",
            "Templates/PDP plan.md",
            "Templates/Quarterly review.md",
            "Templates/Weekly review.md",
        ]
    )
    for folder in ("Plans", "Milestones", "Journal/Daily", "Journal/Weekly", "Templates", "Bases"):
        assert (root / folder).is_dir()
    assert not list(root.rglob(".gitkeep"))
    assert not list(root.rglob("workspace*.json"))

    vault = Vault(root)
    assert check_vault(vault) == []
    files = tree(root)
    for path, data in files.items():
        if path.startswith(".obsidian/"):
            assert isinstance(json.loads(data), dict), path
        if not path.startswith(("Templates/", ".obsidian/", ".vaultkit/")):  # .vaultkit: the index cache
            assert b"{{" not in data, f"unrendered variable in {path}"
    for record in vault.records.values():
        assert record.errors == (), record.path
        if not record.is_template:  # templates hold variables on purpose
            assert record.warnings == (), record.path

    # Rolled up: properties and the dashboard's blocks are filled in.
    assert report.rollup is not None
    assert not report.rollup.problems
    props = vault.records[plan].properties
    assert (props["tasks_done"], props["tasks_total"], props["progress"]) == (0, 19, 0)
    assert (props["milestones_done"], props["milestones_total"]) == (0, 2)
    home = (root / "Home.md").read_text(encoding="utf-8")
    assert home.startswith("---\ntags:\n  - dashboard\n---\n# Career development · Ada Lovelace\n")
    plans_block = home.split("<!-- vaultkit:begin plans -->", 1)[1].split("<!-- vaultkit:end -->", 1)[0]
    assert "[[Senior Data Engineer PDP]]" in plans_block
    milestones_block = home.split("<!-- vaultkit:begin milestones -->", 1)[1].split("<!-- vaultkit:end -->")[
        0
    ]
    assert "[[Senior Data Engineer - 90-day goals]]" in milestones_block

    # A second rollup has nothing left to do.
    from vaultkit.rollup.apply import rollup_vault

    assert rollup_vault(Vault(root), today=TODAY).changed == []


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_gives_a_clean_vault(tmp_path: Path, level: str) -> None:
    root = make_vault(tmp_path, level)
    vault = Vault(root)
    assert check_vault(vault) == []
    plans = [r for r in vault.notes() if r.type == "plan"]
    assert [r.properties["level"] for r in plans] == [level]
    assert vault.plans[plans[0].path].milestones_total == 2


def test_starter_notes_golden() -> None:
    notes = starter_notes("senior", "Data Engineer", TODAY, owner="Ada Lovelace")
    update = os.environ.get("VAULTKIT_UPDATE_GOLDEN") == "1"
    for note in notes:
        golden = GOLDEN / "starter-senior" / note.path
        if update:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(note.text, encoding="utf-8")
        assert golden.read_text(encoding="utf-8") == note.text, note.path
        assert Note.parse(note.text).errors == []
    assert [n.path for n in notes] == [
        "Plans/Senior Data Engineer PDP.md",
        "Milestones/Senior Data Engineer - 90-day goals.md",
        "Milestones/Senior Data Engineer - long-term goals.md",
    ]


def test_init_without_name_and_defaults(tmp_path: Path) -> None:
    root = tmp_path / "v"
    report = init_vault(root, today=TODAY, now=NOW)
    assert report.plan == "Plans/Mid-level Software Engineer PDP.md"
    text = (root / report.plan).read_text(encoding="utf-8")
    assert "owner:" not in text
    assert "# Career development\n" in (root / "Home.md").read_text(encoding="utf-8")


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    root.mkdir()
    (root / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(VaultError, match=r"not empty.*--force"):
        init_vault(root, today=TODAY, now=NOW)
    assert tree(root) == {"notes.txt": b"mine"}


def test_init_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(VaultError, match="not a folder"):
        init_vault(target, today=TODAY, now=NOW)


@pytest.mark.parametrize(("role", "level"), [("a/b", "mid"), ("..", "mid"), ("Engineer", "principal")])
def test_init_refuses_bad_role_or_level(tmp_path: Path, role: str, level: str) -> None:
    with pytest.raises((UnsafePathError, VaultError)):
        init_vault(tmp_path / "v", role=role, level=level, today=TODAY, now=NOW)
    assert not (tmp_path / "v").exists()


def test_force_never_overwrites_and_leaves_existing_notes_alone(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    (root / ".obsidian").mkdir(parents=True)
    mine = {
        "Home.md": b"# My own home\r\n- [ ] keep me\r\n",
        ".obsidian/app.json": b'{"mine": true}',
        "Plans/Mid-level Software Engineer PDP.md": b"---\ntype: plan\n---\n- [x] done\n",
    }
    for rel, data in mine.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    report = init_vault(root, force=True, level="mid", today=TODAY, now=NOW)  # a starter plan asked for
    assert sorted(report.skipped) == sorted(mine)
    for rel, data in mine.items():
        assert (root / rel).read_bytes() == data
    assert report.rollup is None
    assert report.rollup_skipped is not None and "vaultkit rollup" in report.rollup_skipped
    assert report.plan is None
    assert "Templates/PDP plan.md" in report.created


def test_force_on_a_folder_without_notes_still_rolls_up(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    (root / ".git").mkdir(parents=True)
    (root / "README.txt").write_text("hello", encoding="utf-8")
    report = init_vault(root, force=True, today=TODAY, now=NOW)
    assert report.rollup is not None and report.rollup.changed
    assert (root / "README.txt").read_text(encoding="utf-8") == "hello"


def test_init_never_writes_through_a_symlink_out_of_the_vault(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "vault"
    root.mkdir()
    (root / "Plans").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="outside the vault"):
        init_vault(root, force=True, today=TODAY, now=NOW)
    assert list(outside.iterdir()) == []


def test_template_is_found_in_the_source_checkout() -> None:
    assert template_root() == Path(__file__).resolve().parents[1] / "vault_template"


# ------------------------------------------------------------------------------------------ new


def test_new_plan(root: Path) -> None:
    result = new_note(Vault(root), "plan", "Staff Engineer 2027", now=NOW)
    assert result.path == "Plans/Staff Engineer 2027.md"
    assert result.warnings == ()
    text = (root / result.path).read_text(encoding="utf-8")
    assert text.startswith(
        "---\ntype: plan\nstatus: in-progress\nrole:\nlevel:\ntarget_level:\ncreated: 2026-11-22\ndue:\n"
        "tags:\n  - pdp\n---\n# Staff Engineer 2027\n"
    )
    assert '<!-- vaultkit:begin milestones plan="[[Staff Engineer 2027]]" -->' in text
    assert "{{" not in text
    assert check_vault(Vault(root)) == []


def test_new_milestone_links_its_plan(root: Path) -> None:
    result = new_note(Vault(root), "milestone", "Ship the RFC", plan="Senior Data Engineer PDP", now=NOW)
    assert result.path == "Milestones/Ship the RFC.md"
    text = (root / result.path).read_text(encoding="utf-8")
    assert text.startswith(
        '---\ntype: milestone\nplan: "[[Senior Data Engineer PDP]]"\nstatus: in-progress\ndue:\n'
        "created: 2026-11-22\ntags:\n  - milestone\n---\n# Ship the RFC\n"
    )
    vault = Vault(root)
    assert check_vault(vault) == []
    assert "Milestones/Ship the RFC.md" in vault.plans["Plans/Senior Data Engineer PDP.md"].milestones


def test_new_builds_no_note_record(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding the plan and checking names reads summaries only: on a vault of years of journals, a
    note's full record (every task) is far too much to build for one new note."""
    from vaultkit.index.store import NoteIndex

    monkeypatch.setattr(NoteIndex, "records", lambda self, paths: pytest.fail("built records"))
    result = new_note(Vault(root), "milestone", "Ship the RFC", plan="Senior Data Engineer PDP", now=NOW)
    assert result.path == "Milestones/Ship the RFC.md"
    with pytest.raises(VaultError, match="is not a plan"):
        new_note(Vault(root), "milestone", "Other", plan="Ship the RFC", now=NOW)


def test_new_milestone_plan_is_optional_with_one_plan_only(root: Path) -> None:
    result = new_note(Vault(root), "milestone", "Auto", now=NOW)
    assert 'plan: "[[Senior Data Engineer PDP]]"' in (root / result.path).read_text(encoding="utf-8")
    new_note(Vault(root), "plan", "Second", now=NOW)
    with pytest.raises(VaultError, match=r"which plan.*Plans/Second, Plans/Senior Data Engineer PDP"):
        new_note(Vault(root), "milestone", "Ambiguous", now=NOW)
    assert not (root / "Milestones" / "Ambiguous.md").exists()


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ("Nope", "is not a note"),
        ("Home", "is not a plan"),
        ("Senior Data Engineer - 90-day goals", "not a plan"),
    ],
)
def test_new_milestone_plan_must_be_a_plan(root: Path, plan: str, message: str) -> None:
    before = tree(root)
    with pytest.raises(VaultError, match=message):
        new_note(Vault(root), "milestone", "M", plan=plan, now=NOW)
    assert tree(root) == before


def test_a_plan_cannot_belong_to_a_plan(root: Path) -> None:
    with pytest.raises(VaultError, match="cannot belong"):
        new_note(Vault(root), "plan", "P", plan="Senior Data Engineer PDP", now=NOW)


def test_new_journal_defaults_to_today_in_the_daily_notes_settings(root: Path) -> None:
    result = new_note(Vault(root), "journal", now=NOW)
    assert result.path == "Journal/Daily/2026-11-22.md"
    text = (root / result.path).read_text(encoding="utf-8")
    assert text.startswith(
        "---\ntype: journal\ndate: 2026-11-22\ntags:\n  - journal\n---\n# Sunday, 22 November 2026\n"
    )
    other = new_note(Vault(root), "journal", day=dt.date(2026, 1, 5), now=NOW)
    assert other.path == "Journal/Daily/2026-01-05.md"
    assert "# Monday, 5 January 2026" in (root / other.path).read_text(encoding="utf-8")
    assert check_vault(Vault(root)) == []


def test_new_journal_follows_a_custom_format_folder_and_template(root: Path) -> None:
    (root / ".obsidian" / "daily-notes.json").write_text(
        json.dumps({"folder": "Diary", "format": "YYYY/MM/DD-ddd", "template": "Templates/Day"}),
        encoding="utf-8",
    )
    (root / "Templates" / "Day.md").write_text(
        '---\ntype: journal\ndate: "{{date}}"\n---\n{{title}} <% tp.file.title %>\n', encoding="utf-8"
    )
    result = new_note(Vault(root), "journal", now=NOW, plan="Senior Data Engineer PDP")
    assert result.path == "Diary/2026/11/22-Sun.md"
    assert (root / result.path).read_text(encoding="utf-8") == (
        '---\ntype: journal\ndate: 2026-11-22\nplan: "[[Senior Data Engineer PDP]]"\n---\n'
        "22-Sun <% tp.file.title %>\n"
    )
    assert result.warnings == ("line 6: '<% tp.file.title %>' left as it is (not a core template variable)",)


def test_new_review_uses_the_week_rule(root: Path) -> None:
    result = new_note(Vault(root), "review", now=NOW)
    assert result.path == "Journal/Weekly/2026-W47.md"
    text = (root / result.path).read_text(encoding="utf-8")
    assert text.startswith("---\ntype: review\nweek: 2026-W47\ndate: 2026-11-22\n")
    assert "# Week 47, 2026\n" in text
    (root / ".vaultkit").mkdir(exist_ok=True)
    (root / ".vaultkit" / "config.toml").write_text('[new]\nweek = "us"\n', encoding="utf-8")
    us = new_note(Vault(root), "review", now=NOW)
    assert us.path == "Journal/Weekly/2026-W48.md"
    assert check_vault(Vault(root)) == []


def test_new_settings_defaults_and_errors(root: Path) -> None:
    settings = new_settings(Vault(root))
    assert settings.templates == "Templates"
    assert settings.folders == {
        "plan": "Plans",
        "milestone": "Milestones",
        "journal": "Journal/Daily",
        "review": "Journal/Weekly",
    }
    assert settings.template_names["journal"] == "Templates/Daily journal"
    (root / ".vaultkit").mkdir(exist_ok=True)
    config = root / ".vaultkit" / "config.toml"
    for bad, message in [
        ('[new]\nweek = "martian"\n', "week must be one of"),
        ("[new]\nplan_folder = 3\n", "plan_folder must be text"),
        ('[new]\nfolder = "x"\n', "unknown key 'folder'"),
    ]:
        config.write_text(bad, encoding="utf-8")
        with pytest.raises(VaultError, match=message):
            new_settings(Vault(root))


def test_existing_note_is_an_error_never_overwritten(root: Path) -> None:
    existing = root / "Journal" / "Daily" / "2026-11-22.md"
    existing.write_bytes(b"my own words\n")
    with pytest.raises(NoteError, match="already exists; not overwritten"):
        new_note(Vault(root), "journal", now=NOW)
    assert existing.read_bytes() == b"my own words\n"
    with pytest.raises(NoteError, match=r"already exists at Plans/Senior Data Engineer PDP\.md"):
        new_note(Vault(root), "milestone", "Senior Data Engineer PDP", now=NOW)
    assert not (root / "Milestones" / "Senior Data Engineer PDP.md").exists()


@pytest.mark.parametrize("title", ["../escape", "../../etc/passwd", "/tmp/abs", "a\\b", "..", ""])
def test_titles_that_are_paths_are_refused(root: Path, title: str) -> None:
    tmp_path = root.parent
    before = tree(tmp_path)
    with pytest.raises(UnsafePathError):
        new_note(Vault(root), "plan", title, now=NOW)
    assert tree(tmp_path) == before


@pytest.mark.parametrize(
    ("config", "daily"),
    [
        ('[new]\nplan_folder = "../outside"\n', None),
        ('[new]\nplan_folder = "/abs/path"\n', None),
        ('[new]\nmilestone_folder = "Milestones/../../x"\n', None),
        ('[new]\nplan_template = "../../secret"\n', None),
        (None, {"folder": "../outside", "format": "YYYY-MM-DD"}),
        (None, {"folder": "/tmp/journal", "format": "YYYY-MM-DD"}),
        (None, {"folder": "Journal", "format": "[../../]YYYY"}),
    ],
)
def test_settings_pointing_outside_the_vault_are_refused(
    root: Path, config: str | None, daily: dict[str, str] | None
) -> None:
    tmp_path = root.parent
    (tmp_path / "secret.md").write_text("---\ntype: plan\n---\n", encoding="utf-8")
    if config:
        (root / ".vaultkit").mkdir(exist_ok=True)
        (root / ".vaultkit" / "config.toml").write_text(config, encoding="utf-8")
    if daily:
        (root / ".obsidian" / "daily-notes.json").write_text(json.dumps(daily), encoding="utf-8")
    before = tree(tmp_path)
    with pytest.raises(UnsafePathError):
        new_note(Vault(root), "journal" if daily else "plan", "Title" if not daily else None, now=NOW)
    assert tree(tmp_path) == before


def test_symlinked_folder_out_of_the_vault_is_refused(root: Path) -> None:
    outside = root.parent / "outside"
    outside.mkdir()
    shutil.rmtree(root / "Milestones")
    (root / "Milestones").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePathError):
        new_note(Vault(root), "milestone", "Escape", plan="Senior Data Engineer PDP", now=NOW)
    assert list(outside.iterdir()) == []


def test_a_template_that_gives_broken_yaml_is_reported(root: Path) -> None:
    (root / "Templates" / "PDP plan.md").write_text(
        "---\ntype: plan\nbad: [unclosed\n---\n", encoding="utf-8"
    )
    with pytest.raises(
        NoteError, match=r"PDP plan.md:\d: the template does not give a valid note: invalid YAML"
    ):
        new_note(Vault(root), "plan", "Broken", now=NOW)
    assert not (root / "Plans" / "Broken.md").exists()


def test_a_missing_template_is_reported(root: Path) -> None:
    (root / "Templates" / "Weekly review.md").unlink()
    with pytest.raises(VaultError, match="no template 'Weekly review' for review notes in Templates"):
        new_note(Vault(root), "review", now=NOW)


def test_a_template_without_type_gets_one(root: Path) -> None:
    (root / "Templates" / "PDP plan.md").write_text("# {{title}}\n", encoding="utf-8")
    result = new_note(Vault(root), "plan", "Typed", now=NOW)
    assert (root / result.path).read_text(encoding="utf-8") == "---\ntype: plan\n---\n# Typed\n"


def test_plans_and_milestones_need_a_title(root: Path) -> None:
    for kind in ("plan", "milestone"):
        with pytest.raises(VaultError, match=f"a {kind} needs a TITLE"):
            new_note(Vault(root), kind, now=NOW)


# ------------------------------------------------------------------------------------------ CLI


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_init_then_check_and_new(tmp_path: Path) -> None:
    root = tmp_path / "pdp"
    code, out, err = invoke("init", str(root), "--role", "Data Engineer", "--level", "staff", "--name", "Ada")
    assert (code, err) == (0, "")
    assert out.startswith(f"created 18 files in {root}\n  Home.md\n")
    assert "rolled up: 4 notes updated\n" in out
    assert out.endswith("      your plan: Plans/Staff Data Engineer PDP.md\n")
    assert invoke("check", "--vault", str(root)) == (0, "11 notes checked: no problems\n", "")

    code, out, err = invoke("new", "milestone", "Talk at a conference", "--vault", str(root))
    assert (code, out, err) == (0, "created Milestones/Talk at a conference.md\n", "")
    code, out, _ = invoke("new", "journal", "--date", "2026-11-20", "--vault", str(root))
    assert (code, out) == (0, "created Journal/Daily/2026-11-20.md\n")
    assert invoke("check", "--vault", str(root))[0] == 0


def test_cli_refusals_have_exit_codes_and_one_line(tmp_path: Path) -> None:
    root = tmp_path / "pdp"
    assert invoke("init", str(root))[0] == 0
    code, out, err = invoke("init", str(root))
    assert (code, out) == (2, "")
    assert err.startswith("vaultkit: ") and "not empty" in err and err.count("\n") == 1
    code, out, err = invoke("init", str(root), "--force", "--level", "mid")
    assert code == 0
    assert "skipped 18 files that already existed (left as they were):\n" in out
    assert "not rolled up: the folder already held notes" in out

    code, _, err = invoke("new", "plan", "../x", "--vault", str(root))
    assert code == 2 and err.startswith("vaultkit: '../x' would point outside")
    code, _, err = invoke("new", "plan", "--vault", str(root))
    assert (code, err) == (2, 'vaultkit: a plan needs a TITLE: vaultkit new plan "My title"\n')
    assert invoke("new", "journal", "--vault", str(root))[0] == 0
    code, _, err = invoke("new", "journal", "--vault", str(root))
    assert code == 1 and "already exists; not overwritten" in err
    code, _, err = invoke("new", "journal", "--date", "22/11/2026", "--vault", str(root))
    assert code == 2 and "22/11/2026" in err
    code, _, err = invoke("new", "note", "x", "--vault", str(root))
    assert code == 2
