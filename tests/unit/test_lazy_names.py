"""A package's public name that is also one of its parts would be shadowed by the module."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from plan.lazy import exports

LAZY = ["plan.exports", "plan.measures", "plan.meetings", "plan.reports"]


def test_a_public_name_that_is_also_a_part_is_refused() -> None:
    with pytest.raises(ValueError, match="minutes is both a public name and a part"):
        exports("plan.exports", {"minutes": "minutes"})


@pytest.mark.parametrize("package", LAZY)
def test_every_public_name_is_what_it_says_after_every_part_is_imported(package: str) -> None:
    """Import every part first (as the CLI does), then each public name must still be the function."""
    pkg = importlib.import_module(package)
    for part in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"{package}.{part.name}")
    for name in pkg.__all__:
        value = getattr(pkg, name)
        assert not hasattr(value, "__path__") and type(value).__name__ != "module", f"{package}.{name} is a module"
