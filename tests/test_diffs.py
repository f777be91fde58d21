"""The one diff helper: what `--dry-run` and `fix` show, line-ending changes included."""

from __future__ import annotations

from vaultkit.diffs import unified_diff


def test_equal_texts_give_no_diff() -> None:
    assert unified_diff("a.md", "x\r\ny\r\n", "x\r\ny\r\n") == ""


def test_an_edit_in_a_crlf_note_shows_no_raw_carriage_returns() -> None:
    diff = unified_diff("a.md", "a: 1\r\nb\r\n", "a: 2\r\nb\r\n")
    assert diff == "--- a/a.md\n+++ b/a.md\n@@ -1,2 +1,2 @@\n-a: 1\n+a: 2\n b\n"
    assert "\r" not in diff


def test_a_line_ending_change_is_visible() -> None:
    diff = unified_diff("a.md", "x\r\ny\r\n", "x\ny\n")
    assert diff == "--- a/a.md\n+++ b/a.md\n@@ -1,2 +1,2 @@\n-x␍\n-y␍\n+x\n+y\n"


def test_a_lost_final_newline_is_visible() -> None:
    diff = unified_diff("a.md", "x\ny\n", "x\ny")
    assert diff == "--- a/a.md\n+++ b/a.md\n@@ -1,2 +1,2 @@\n x\n-y\n+y\n\\ No newline at end of file\n"


def test_a_lone_cr_note_is_split_on_its_own_line_ends() -> None:
    diff = unified_diff("a.md", "x\ry\r", "x\rz\r")
    assert diff == "--- a/a.md\n+++ b/a.md\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n"
