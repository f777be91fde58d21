"""Managed blocks in summary notes: find their markers and splice fresh text between them. Pure.

A user puts `<!-- vaultkit:begin KIND ARGS -->` and `<!-- vaultkit:end -->` lines in any note; rollup
replaces only the lines between them. HTML comments are invisible in Obsidian's reading view, so the
markers stay out of the way, and they survive every editor. Kinds:

    plans                       every plan: status, progress bar, tasks, milestones, next milestone
    milestones [plan="[[X]]"]   milestones (of one plan): plan, due date, status, progress
    open-tasks [plan="[[X]]"] [limit=N]
                                open tasks under their note's link, soonest 📅 due first;
                                the first N (default 15), then a line saying how many are left out
    journal [limit=N]           the latest journal entries with their done/total
    chart plan="[[X]]" [since=DATE]
                                the embed of plan X's burn-up chart, Charts/X.svg, which rollup redraws
    skills                      the embed of the note's capability table drawn as a chart
    review period=… start=… end=…
                                what moved in a review's period: written by `vaultkit review`, left alone here

Output is plain Markdown, deterministic (stable sorts, no timestamps), and never contains a checkbox, so a
summary never counts the tasks it lists. A marker inside code or a `%%comment%%` is not a marker. Anything
this module cannot read (unknown kind, bad argument, a begin without an end, a mistyped marker anywhere
between a begin and its end) is left untouched and reported by `block_problems`, which `vaultkit check`
and `vaultkit rollup` show. The text itself comes from `rollup.render`.
"""

from __future__ import annotations

from collections.abc import Callable

from vaultkit.markdown.blocks import KINDS, WRITTEN_ELSEWHERE, Block, block_problems, parse_blocks
from vaultkit.props.frontmatter import newline_of, split_lines
from vaultkit.rollup.render import RolledNote, SummaryData, render_block

__all__ = [
    "KINDS",
    "Block",
    "RolledNote",
    "SummaryData",
    "apply_blocks",
    "block_problems",
    "parse_blocks",
    "render_block",
]


def apply_blocks(
    body: str,
    data: SummaryData,
    source: str,
    first_line: int = 1,
    keep: Callable[[Block], bool] | None = None,
    parsed: list[Block] | None = None,
) -> tuple[str, list[str]]:
    """`body` with every well-formed block re-rendered, and the specs of the blocks whose text changed.

    Only lines strictly between a begin and its end marker are replaced; everything else, markers
    included, stays byte for byte. Blocks another command fills (`WRITTEN_ELSEWHERE`: a review's) are
    left as they are. The block text is framed by blank lines and uses the note's line ends.
    A block for which `keep` says yes is left as it is too: an incremental rollup knows it cannot have
    changed (rendering a 10,000-note vault's blocks is most of what a watcher's round costs).
    `parsed` are the blocks `parse_blocks(body, first_line)` finds, when the caller has them already
    (finding the markers of a dashboard of 2,000 rows takes as long as rendering its changed rows).
    """
    found = parsed if parsed is not None else parse_blocks(body, first_line)[0]
    blocks = [b for b in found if b.kind not in WRITTEN_ELSEWHERE]
    if not blocks:
        return body, []
    lines = split_lines(body)
    newline = newline_of(body)
    out: list[str] = []
    changed: list[str] = []
    position = 0
    for block in blocks:
        if keep is not None and keep(block):
            continue  # its lines go out with the next block's, or with the rest
        out += lines[position : block.begin + 1]
        if not out[-1].endswith(("\n", "\r")):  # cannot happen for a begin marker; be safe anyway
            out[-1] += newline
        rendered = render_block(block.kind, dict(block.args), data, source, body).replace("\n", newline)
        inner = newline + rendered + newline + newline
        if inner != "".join(lines[block.begin + 1 : block.end]):
            changed.append(block.spec)
        out.append(inner)
        position = block.end
    out += lines[position:]
    return "".join(out), changed
