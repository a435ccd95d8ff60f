"""The layering the code depends on: plan/ and models/ never import streamlit; every page is
registered in app.py (st.navigation ignores pages/ otherwise)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_plan_and_models_never_import_streamlit() -> None:
    offenders = [str(p.relative_to(ROOT)) for folder in ("plan", "models")
                 for p in (ROOT / folder).rglob("*.py") if "streamlit" in _imports(p)]
    assert offenders == []


def test_models_hold_tables_only() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "models").rglob("*.py")
                 if _imports(p) & {"plan", "ui", "pages"}]
    assert offenders == []


def test_every_page_is_registered_in_the_app() -> None:
    app = (ROOT / "ui" / "navigation.py").read_text(encoding="utf-8")
    pages = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
    assert pages, "no pages found"
    missing = [name for name in pages if f'"pages/{name}"' not in app]
    assert missing == []


def test_pages_offer_files_only_through_the_guarded_download() -> None:
    """ui/downloads.offer ties a file to the signed-in session that asked for it (server.py serves
    it to nobody else); a bare st.download_button would be fetchable by anyone with its URL."""
    offenders = [str(p.relative_to(ROOT)) for folder in ("pages", "ui") for p in (ROOT / folder).rglob("*.py")
                 if "download_button(" in p.read_text(encoding="utf-8") and p.name != "downloads.py"]
    assert offenders == []
