"""One public name per line in a package's __init__, imported from its part on first use.

The measures, reports, meetings and exports packages name what the rest may call in their
__init__; importing each part only when a name is first used keeps `import plan.measures` cheap
(a page that needs one function does not load the spreadsheet importer) and keeps the parts,
which call each other, free of import cycles."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any


def exports(package: str, where: dict[str, str]) -> Callable[[str], Any]:
    """A module-level __getattr__ for `package`: `where` maps each public name to its part.

    A public name may not also be the name of a part: once anything imports that part, Python sets
    the package's attribute to the module and the function is never looked up (the minutes export
    once failed that way, 'module' object is not callable, only when the CLI had been imported)."""
    clash = sorted(set(where) & set(where.values()))
    if clash:
        raise ValueError(f"{package}: {', '.join(clash)} is both a public name and a part; rename the part")

    def __getattr__(name: str) -> Any:
        part = where.get(name)
        if part is None:
            raise AttributeError(f"module '{package}' has no attribute '{name}'")
        value = getattr(import_module(f"{package}.{part}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
