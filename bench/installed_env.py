"""The environment a timed command runs in: as from a user's install, bytecode cached.

pip compiles an installed package's bytecode at install time. A PYTHONDONTWRITEBYTECODE
in the caller's environment (set on some CI machines and sandboxes) would instead make
every timed run compile splitguard's modules from source, about 0.1 s that no user pays.
"""

from __future__ import annotations

import os


def installed_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
