"""Every relative link in the README and docs/ leads to a file that exists, and every anchor to a
heading in it: the README was split into docs/, and a moved section must not leave a dead link."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchors(path: Path) -> set[str]:
    """GitHub's anchors: the heading lower-cased, punctuation dropped, spaces as hyphens."""
    found = set()
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            words = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^a-z0-9 _-]", "", words).replace(" ", "-"))
    return found


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_relative_link_leads_somewhere(page: Path) -> None:
    dead = []
    for target in LINK.findall(page.read_text()):
        if re.match(r"^[a-z]+:", target):
            continue  # http(s), mailto
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        if not path.exists():
            dead.append(target)
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
            dead.append(target)
    assert not dead, f"{page.name}: {dead}"
