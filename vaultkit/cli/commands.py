"""The `vaultkit` command with every subcommand registered: the one place the CLI is assembled.

The group and its plumbing live in `vaultkit.cli.app`; each subcommand lives in the module named for what
it does (`status`, `properties`, `check`, `scaffold`, `rollup`, `history`, `chart`, `review`,
`importing`, `watch`, `service`, `completion`, `notion`), defined
there without the group and added here, so no command module imports another and none imports this one.
"""

from __future__ import annotations

from vaultkit.cli.app import main
from vaultkit.cli.chart import chart
from vaultkit.cli.check import check
from vaultkit.cli.completion import completion
from vaultkit.cli.history import history
from vaultkit.cli.importing import fix, import_
from vaultkit.cli.notion import notion
from vaultkit.cli.properties import set_, unset
from vaultkit.cli.review import review
from vaultkit.cli.rollup import rollup
from vaultkit.cli.scaffold import init, new
from vaultkit.cli.service import service
from vaultkit.cli.status import show, status, tasks
from vaultkit.cli.watch import watch

__all__ = ["main"]

for _command in (
    status, tasks, show, set_, unset, check, init, new, rollup, import_, fix, watch, service, completion,
    history, chart, review, notion,
):
    main.add_command(_command)
