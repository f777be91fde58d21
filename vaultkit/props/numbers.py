"""YAML integers as both property readers build them (`yaml_safe` and the fast reader). Pure, light.

Python refuses to turn an integer of more than 4,300 decimal digits into text or back
(`sys.int_info.default_max_str_digits`, a guard against quadratic conversion): a property
`big: 0xfff…` of 5,000 hex digits loaded fine and then crashed `vaultkit show` when printed, and
5,000 decimal digits failed to load. Such an integer is kept as the text it is written as: lossless
(the note's bytes are never rewritten for it), printable, and the same in both readers.
"""

from __future__ import annotations

import sys
from typing import Final

__all__ = ["MAX_DIGITS", "yaml_int"]

#: The most decimal digits an integer property may have; a longer one is a string.
MAX_DIGITS: Final = sys.int_info.default_max_str_digits
_TOO_BIG: Final = 10**MAX_DIGITS


def yaml_int(text: str) -> int | str:
    """The value of a plain scalar YAML resolved as an int (`12`, `-3`, `0o17`, `0x1F`), or `text`
    itself when the number has more than `MAX_DIGITS` decimal digits."""
    if text.startswith("0o"):
        value = int(text[2:], 8)
    elif text.startswith("0x"):
        value = int(text[2:], 16)
    elif len(text.lstrip("+-")) > MAX_DIGITS:
        return text
    else:
        return int(text)
    return text if value >= _TOO_BIG else value
