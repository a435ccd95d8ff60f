"""Where one page run's time goes: cProfile over AppTest runs of a page on a bench database
(`python -m bench.profile_page sqlite:///.../plan.db pages/dashboard.py [--cold] [--runs 3]`).
Runs as bench/pages.py times them (signed in, the server's shared script cache); prints the
functions by cumulative and by own time."""

from __future__ import annotations

import argparse
import cProfile
import pstats

from bench.common import use_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("page")
    parser.add_argument("--cold", action="store_true", help="clear the data caches before each run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args()
    use_database(args.url)
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    from bench.database import actor
    from bench.pages import open_signed_in, server_script_cache
    from ui import cache as page_cache

    profile = cProfile.Profile()
    recording = {"on": False}
    original = ScriptRunner._run_script  # noqa: SLF001

    def profiled(self: ScriptRunner, rerun_data: object) -> None:  # the script runs in its own thread
        if not recording["on"]:
            return original(self, rerun_data)
        profile.enable()
        try:
            return original(self, rerun_data)
        finally:
            profile.disable()

    ScriptRunner._run_script = profiled  # type: ignore[method-assign]  # noqa: SLF001
    with server_script_cache():
        at = open_signed_in(args.page, actor("admin"))
        at.run()
        recording["on"] = True
        for _ in range(args.runs):
            if args.cold:
                page_cache.clear()
            at.run()
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top // 2)


if __name__ == "__main__":
    main()
