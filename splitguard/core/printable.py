"""Names from the data made safe to print: control and bidi characters become escapes.

A class, split, group or file name is user data. Printed raw, a newline splits one
message into two (a second line can forge a GitHub workflow command), an ANSI escape
recolours or clears the terminal, and a bidi override shows text in another order
than it is. Every output format passes such text through `printable` first.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; line and paragraph separators; bidi marks, embeddings,
# overrides and isolates; the two non-characters XML 1.0 forbids.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """`text` with every unsafe character written as a Python-style escape (`\\n`, `\\x1b`).

    Text without such characters (nearly all) comes back unchanged, and fast.
    """
    return _UNSAFE.sub(_escape, text)


def printable_lines(text: str) -> str:
    """`printable` for a block whose own line breaks are kept (a code block)."""
    return "\n".join(printable(line) for line in text.split("\n"))
