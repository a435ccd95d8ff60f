"""Page script times through AppTest (as tests/ui/helpers.py opens pages: app.py first, signed
in with a real server-side session, then switch_page), and the floor page beside them.

Bytecode as a server keeps it: a Streamlit server has one ScriptCache (streamlit/runtime/runtime.py
makes it once and hands it to every session), so app.py and each page are compiled on their first
run and the bytecode is reused by every later run of every session; it is cleared only when a
source file changes or the last session disconnects. AppTest makes a new ScriptCache on every
run (streamlit/testing/v1/app_test.py `_run`, and LocalScriptRunner), so each run pays for
compiling app.py and the page (0.045 s for dashboard.py) and a long page looks dearer against
the tiny floor page than it is in a server. `server_script_cache()` hands every AppTest run in
this process the one cache, as the server does; the floor page runs under it identically. The
data caches (st.cache_data) are untouched by this: "cold" still clears them before each run.

The router as a server runs it: a `pages/` folder beside app.py puts Streamlit in its old
automatic multipage mode until the first st.navigation call in the process (PagesManager.
uses_pages_directory); a server then runs app.py (the router: ensure_ready, the sign-in check,
st.navigation) before the page on every run. AppTest sets that flag back to None before each run,
so after switch_page its runs executed pages/dashboard.py alone, skipping app.py: cheaper than
a server. Inside `server_script_cache()` the flag stays False, as in a server after its first
run, so every timed run goes through app.py and then the page."""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import ROOT, median, p95, timed
from bench.database import actor

PAGES = {"overview": "pages/overview.py", "dashboard": "pages/dashboard.py"}  # timed against their floor
OTHERS = {"actions": ("pages/actions.py", "admin"), "update_round": ("pages/update_round.py", "admin"),
          "my_actions": ("pages/my_actions.py", "owner")}  # timed too, for where the time goes


@contextlib.contextmanager
def server_script_cache() -> Iterator[Any]:
    """Every AppTest run inside shares one ScriptCache, as every session of a server does, and
    goes through app.py's router, as every run in a server does."""
    from unittest import mock

    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    class RoutedPages(PagesManager):
        """As in a server once app.py has called st.navigation: no automatic pages/ mode."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    shared = ScriptCache()
    with mock.patch.object(app_test, "ScriptCache", lambda: shared), \
            mock.patch.object(local_script_runner, "ScriptCache", lambda: shared), \
            mock.patch.object(app_test, "PagesManager", RoutedPages):
        yield shared


def open_signed_in(page: str, user: Any, timeout: float = 600, **state: Any) -> Any:
    """The app at `page`, signed in as `user` the way tests/ui/helpers.signed_in does it."""
    from streamlit.testing.v1 import AppTest

    from plan import sessions
    from plan.db import session_scope

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    with session_scope() as session:
        at.session_state["plan_token"] = sessions.start(session, actor=user).token
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page).run()
    _check(at)
    return at


def _check(at: Any) -> None:
    if at.exception:
        # the message is redacted (client.showErrorDetails); the stack trace's end names the fault
        raise RuntimeError("the page failed: " + " | ".join(" ".join(e.stack_trace[-2:]) for e in at.exception)[-500:])


def _times(at: Any, repeat: int) -> dict[str, float]:
    """Warm: reruns as a user's clicks make them. Cold: Streamlit's data caches cleared before
    each run, as after a save when caches are keyed on a change stamp (or with no cache)."""
    from ui import cache as page_cache

    warm = timed(at.run, repeat)
    _check(at)

    def cold() -> None:
        page_cache.clear()
        at.run()

    cold_times = timed(cold, repeat, warm=0)
    _check(at)
    return {"warm_s": median(warm), "warm_p95_s": p95(warm), "cold_s": median(cold_times)}


def elements(at: Any, top: int = 5) -> dict[str, Any]:
    """What the script sent, as AppTest holds it: the total KB of element messages and the
    largest elements (kind, key, KB). Close to, not the same as, the bytes a browser receives."""
    found: list[tuple[int, str, str]] = []

    def walk(node: Any) -> None:
        children = getattr(node, "children", None)
        if children:
            for child in children.values() if isinstance(children, dict) else children:
                walk(child)
        elif getattr(node, "proto", None) is not None:
            found.append((node.proto.ByteSize(), type(node).__name__, str(getattr(node, "key", None) or "")))

    walk(at._tree)  # noqa: SLF001  AppTest has no public walk over every element
    found.sort(reverse=True)
    return {"apptest_kb": round(sum(size for size, _, _ in found) / 1024, 1),
            "largest": [[kind, key, round(size / 1024, 1)] for size, kind, key in found[:top]]}


def floor_spec(at: Any) -> dict[str, Any]:
    """The charts (figure JSON) and tables (frames) the page drew, for the floor page."""
    charts = [chart.proto.spec for chart in at.get("plotly_chart")]
    tables = [frame.value for frame in at.dataframe]
    return {"charts": charts, "tables": tables}


def floor_times(spec: dict[str, Any], repeat: int) -> dict[str, Any]:
    from streamlit.testing.v1 import AppTest

    path = Path(tempfile.mkdtemp()) / "floor.pickle"
    path.write_bytes(pickle.dumps(spec))
    os.environ["BENCH_FLOOR_SPEC"] = str(path)
    at = AppTest.from_file(str(ROOT / "bench" / "floor_page.py"), default_timeout=600)
    at.run()
    _check(at)
    runs = max(20, 4 * repeat)  # a run is ~10 ms: more runs for a steady median of the denominator
    times = timed(at.run, runs)
    return {"floor_s": median(times), "floor_runs": runs, "charts": len(spec["charts"]),
            "tables": [list(frame.shape) for frame in spec["tables"]]}


def measure(facts: dict[str, Any], repeat: int, floor: bool) -> dict[str, Any]:
    """Overview and Dashboard script times at this database's size; with `floor`, the floor page
    drawing what the Dashboard drew."""
    users = {"admin": actor("admin"), "owner": actor("owner")}
    out: dict[str, Any] = {"plan_actions": facts["actions"], "script_cache": "shared across runs, as a server's",
                           "router": "app.py runs before the page on every run, as in a server"}
    for name, (page, role) in {**{n: (p, "admin") for n, p in PAGES.items()}, **OTHERS}.items():
        try:
            with server_script_cache():  # the page's runs and its floor's, each compiled once
                at = open_signed_in(page, users[role])
                out[name] = {**_times(at, repeat), **elements(at)}
                if floor and name in PAGES:
                    out[name]["floor"] = floor_times(floor_spec(at), repeat)
        except Exception as err:  # noqa: BLE001  one broken page must not cost the others' figures
            out[name] = {"error": f"{type(err).__name__}: {err}"[:500]}
    return out
