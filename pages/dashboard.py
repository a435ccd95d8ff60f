"""Dashboard: the plan as at any date (in the URL with its filters): headline counts, RAG by theme,
agency or board, the trend per period and per closed round, direction of travel, the exceptions
with their reasons, and what changed between two dates. Every count opens the actions behind it."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from plan import meetings, reports
from plan.charts import rag_bar, rag_columns, rag_flow
from plan.errors import PlanError
from plan.plans import filter_choices
from plan.reports.rules import DIRECTION_WORDS
from plan.text import plural
from plan.vocab import RAG_LABELS, RAG_ORDER
from ui import url_state
from ui.action_rows import action_table
from ui.cache import cached
from ui.frame import current_user, page_start
from ui.rag import badge, legend, style_rag_column
from ui.text import md

GROUPS = {"theme": "Theme", "agency": "Lead agency", "board": "Board"}
FLAGS = {"overdue": "Overdue", "stale": "No update for a long time", "not_updated_this_round": "No update this round",
         "complete": "Complete", "due_by_now": "Due by now", "due_not_complete": "Due by now, not complete"}
RAGS = [r.value for r in RAG_ORDER]
PAGE_SIZE = 100  # rows of a list sent at once

frame = page_start()
user = current_user()
st.title("Dashboard")

choices = cached(filter_choices, plan_id=frame.id)
last_meeting = cached(meetings.last_closed_meeting, plan_id=frame.id)  # closing a meeting is audited


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


try:  # the URL's own reading of the filters: a wrong date is said, not silently dropped
    from_url, _ = reports.ReportFilter.from_params(st.query_params)
except PlanError as err:
    st.error(md(err))
    from_url = reports.ReportFilter()
url_state.seed("dash_demo", "demo", convert=lambda v: v not in ("0", "false", "no"), default=from_url.include_demo)
url_state.seed("dash_themes", "theme", choices=choices.themes, multi=True)
url_state.seed("dash_agencies", "agency", choices=choices.agencies, multi=True)
url_state.seed("dash_boards", "board", choices=choices.boards, multi=True)
url_state.seed("dash_as_of", "as_of", convert=date.fromisoformat)
url_state.seed("drill_by", "drill_by", choices=["", *GROUPS], default="")
url_state.seed("drill_group", "drill_group", default="")
url_state.seed("drill_rag", "drill_rag", choices=["", *RAGS], default="")
url_state.seed("drill_flag", "drill_flag", choices=["", *FLAGS], default="")
default_since = last_meeting["held_on"] if last_meeting else date.today() - timedelta(days=90)
url_state.seed("dash_since", "since", convert=date.fromisoformat, default=default_since)
url_state.seed("dash_until", "until", convert=date.fromisoformat)

with st.expander("Filters and date", expanded=True):
    first, second, third, fourth = st.columns(4)
    themes = first.multiselect("Theme", choices.themes, key="dash_themes")
    agencies = second.multiselect("Agency (lead or partner)", choices.agencies, key="dash_agencies")
    boards = third.multiselect("Board", choices.boards, key="dash_boards",
                               format_func=lambda c: f"{c}: {choices.board_names[c]}")
    as_of = fourth.date_input("Plan as at", value=None, key="dash_as_of", format="DD/MM/YYYY",
                              help="Empty: today. Everything on this page then shows the plan on that date.")
    include_demo = first.checkbox("Include demo data", key="dash_demo")
as_of = as_of if isinstance(as_of, date) else None
filters = reports.ReportFilter(themes=themes, agencies=agencies, boards=boards, include_demo=include_demo)
day_words = f"{as_of:%d %b %Y}" if as_of else "today"


def drill_to(*, by: str = "", group: str = "", rag: str = "", flag: str = "") -> None:
    """Point the drill-down (drawn further down the page) at one count."""
    st.session_state.update(drill_by=by, drill_group=group, drill_rag=rag, drill_flag=flag)


try:
    # The tiles and RAG by theme from one reading of the plan (the view most chairs open first).
    first_view = cached(reports.overview, user=user, plan_id=frame.id, as_of=as_of, filters=filters)
    head = first_view["headline"]
except PlanError as err:
    st.error(md(err))
    st.stop()

# Only the open tab runs and is sent (the tab is in the URL as ?tab=); the aggregates come from
# the cache until the database changes (ui/cache.py).
overview, trend_tab, exceptions_tab, changes_tab = st.tabs(["Overview", "Trend", "Exceptions", "What changed"],
                                                           key="tab", bind="query-params")

with overview:
    st.subheader(f"The plan as at {day_words}")
    legend(frame.rag_definitions)
    tiles = st.columns(5)
    for column, rag in zip(tiles, RAGS, strict=True):
        with column, st.container(border=True):
            st.markdown(f"{badge(rag)} **{head[rag]}**", unsafe_allow_html=True)
            if st.button(f"Show {head[rag]} {RAG_LABELS[rag]}", key=f"drill_tile_{rag}", disabled=not head[rag]):
                drill_to(rag=rag)
    st.markdown(f"**{plural(head['total'], 'action')}.** " + (
        f"Round {md(head['round_words'])} ({'open' if head['round_open'] else 'closed'}). " if head["round_period"]
        else "") + (f"Completion against plan: **{head['completion_percent']}%** ({head['due_complete']} of the "
                    f"{head['due_by_now']} due by now complete)." if head["completion_percent"] is not None
                    else "No action was due by then."))
    flag_numbers = {"overdue": head["overdue"], "stale": head["stale"],
                    "not_updated_this_round": head["not_updated_this_round"], "complete": head["complete"],
                    "due_by_now": head["due_by_now"],
                    "due_not_complete": head["due_by_now"] - head["due_complete"]}
    flag_columns = [*st.columns(3), *st.columns(3)]  # two rows of three: each label in full
    for column, (flag, number) in zip(flag_columns, flag_numbers.items(), strict=True):
        with column, st.container(border=True):
            words = FLAGS[flag] + (f" ({plural(head['stale_days'], 'day')})" if flag == "stale" else "")
            st.metric(words, number)
            if st.button("Show them", key=f"drill_tile_{flag}", disabled=not number):
                drill_to(flag=flag)

    by = st.radio("Count by", list(GROUPS), format_func=GROUPS.get, horizontal=True, key="dash_by")
    rows = first_view["by_theme"] if by == "theme" else cached(reports.summary, user=user, plan_id=frame.id, by=by,
                                                               as_of=as_of, filters=filters)
    st.plotly_chart(rag_bar([{"group": r["group"], "by_rag": {rag: r[rag] for rag in RAGS}, "total": r["total"],
                              "overdue": r["overdue"]} for r in rows],
                            title=f"Actions by {GROUPS[by].lower()} and RAG, as at {day_words}"),
                    width="stretch", key="dash_summary_chart")
    table = pd.DataFrame([{GROUPS[by]: r["group"], **{RAG_LABELS[rag]: r[rag] for rag in RAGS},
                           "Overdue": r["overdue"], "Total": r["total"]} for r in rows])
    st.caption("Select a row to list its actions below.")
    picked = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                          key=f"dash_summary_{by}")
    chosen_row = (by, picked.selection.rows[0]) if picked and picked.selection.rows else None
    if chosen_row and chosen_row != st.session_state.get("dash_summary_chosen"):  # only a new choice moves the drill
        drill_to(by=by, group=str(rows[chosen_row[1]]["group"]))
    st.session_state["dash_summary_chosen"] = chosen_row

    st.subheader("The actions behind a number")
    a, b, c, d = st.columns(4)
    drill_by = a.selectbox("Group by", ["", *GROUPS], format_func=lambda g: GROUPS.get(g, "Any group"),
                           key="drill_by")
    if drill_by == by:
        groups = [str(r["group"]) for r in rows]
    elif drill_by:
        groups = [str(r["group"]) for r in cached(reports.summary, user=user, plan_id=frame.id, by=drill_by,
                                                  as_of=as_of, filters=filters)]
    else:
        groups = []
    if st.session_state.get("drill_group") not in ["", *groups]:
        st.session_state["drill_group"] = ""
    # Not disabled with no grouping (only "Any" to choose): a disabled label's grey fails axe's contrast rule.
    drill_group = b.selectbox("Group", ["", *groups], key="drill_group",
                              format_func=lambda g: g or ("Any" if drill_by else "Any (choose a grouping first)"))
    drill_rag = c.selectbox("RAG", ["", *RAGS], format_func=lambda r: RAG_LABELS[r] if r else "Any RAG",
                            key="drill_rag")
    drill_flag = d.selectbox("Only", ["", *FLAGS], format_func=lambda f: FLAGS.get(f, "All actions"),
                             key="drill_flag")
    try:
        if not (drill_group or drill_rag or drill_flag):  # nothing chosen: not the whole plan's first page
            st.caption("Choose a group, a RAG or a flag (or press a count above) to list the actions behind it.")
        else:
            drilled, drilled_total = cached(
                reports.drill, user=user, plan_id=frame.id, as_of=as_of, filters=filters,
                group_by=(drill_by or None) if drill_group else None, group=drill_group or None,
                rag=drill_rag or None, flag=drill_flag or None)
            st.markdown(f"**{plural(drilled_total, 'action')}** as at {day_words}"
                        + (f" (the first {len(drilled)} shown)" if len(drilled) < drilled_total else "") + ".")
            if drilled:
                action_table(drilled, key="drill_table")
    except PlanError as err:
        st.error(md(err))

    with (plans_side := st.expander("All plans side by side", key="dash_across_open", on_change="rerun")):
        if plans_side.open:  # read only when opened: every plan's counts
            across = cached(reports.across_plans, user=user, as_of=as_of)
            st.dataframe(pd.DataFrame([{"Plan": r["plan"], "Theme": r["theme"],
                                        **{RAG_LABELS[rag]: r[rag] for rag in RAGS}, "Overdue": r["overdue"],
                                        "Total": r["total"]} for r in across["rows"]]),
                         hide_index=True, width="stretch", key="dash_across")

with trend_tab:
    if trend_tab.open:
        st.subheader("RAG at the end of each reporting period")
        trend = cached(reports.rag_trend, user=user, plan_id=frame.id, as_of=as_of, filters=filters)
        rounds = cached(reports.round_trend, user=user, plan_id=frame.id, filters=filters)
        if trend:
            st.plotly_chart(rag_columns(trend, x="period_words", title="The plan at the end of each period"),
                            width="stretch",
                            key="dash_trend_chart")
            st.dataframe(pd.DataFrame([{"Period": t["period_words"], "Read on": t["as_of"],
                                        **{RAG_LABELS[rag]: t[rag] for rag in RAGS}, "Total": t["total"]}
                                       for t in trend]),
                         hide_index=True, width="stretch", key="dash_trend_table")
        st.subheader("What each closed round froze")
        if rounds:
            st.plotly_chart(rag_columns(rounds, x="period_words", title="Closed rounds"), width="stretch",
                            key="dash_round_chart")
            st.dataframe(pd.DataFrame([{"Round": r["period_words"], "Closed": r["closed_at"],
                                        **{RAG_LABELS[rag]: r[rag] for rag in RAGS}, "Total": r["total"],
                                        "Updated in the round": r["updated"]} for r in reversed(rounds)]),
                         hide_index=True, width="stretch", key="dash_round_table")
            st.caption("Open a closed round's actions on the Update round page.")
        else:
            st.info("No round has been closed yet.")

with exceptions_tab:
    if exceptions_tab.open:
        st.subheader(f"Exceptions as at {day_words}")
        try:
            found = cached(reports.exceptions, user=user, plan_id=frame.id, as_of=as_of, filters=filters)
        except PlanError as err:
            st.error(md(err))
            found = []
        st.markdown(f"**{plural(len(found), 'action')}** need the group's attention"
                    + (f" (compared with the meeting of {last_meeting['held_on']:%d %b %Y})." if last_meeting else "."))
        if found:  # 100 a page: a plan of 10,000 actions can have thousands of exceptions
            pages = -(-len(found) // PAGE_SIZE)
            page = int(st.session_state.get("exceptions_page") or 1) if pages > 1 else 1
            action_table(found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], key="exceptions_table", reasons=True)
            if pages > 1:
                st.number_input(f"Page (of {pages}, {PAGE_SIZE} a page)", min_value=1, max_value=pages, step=1,
                                key="exceptions_page")

with changes_tab:
    if changes_tab.open:
        st.subheader("What changed between two dates")
        first, second = st.columns(2)
        since = first.date_input("From", key="dash_since", format="DD/MM/YYYY",
                                 help="Starts at the last closed meeting's date." if last_meeting else None)
        until = second.date_input("To", value=None, key="dash_until", format="DD/MM/YYYY", help="Empty: today.")
        until = until if isinstance(until, date) else None
        # from the last meeting's day: from when it closed (a change later that day is since it)
        since = last_meeting["since_at"] if last_meeting and since == last_meeting["held_on"] else since
        try:
            moved = cached(reports.changes, user=user, plan_id=frame.id, since=since, until=until, filters=filters)
        except PlanError as err:
            st.error(md(err))
            moved = None
        if moved:
            counts = moved["counts"]
            st.markdown(f"**{counts['better']} better, {counts['worse']} worse, {counts['same']} the same, "
                        f"{counts['first_assessed']} first assessed** between {moved['since']:%d %b %Y} and "
                        f"{moved['until']:%d %b %Y}.")
            if moved["flows"]:
                st.plotly_chart(rag_flow(moved["flows"], title="RAG then and now"), width="stretch",
                                key="dash_flow_chart")
            lists = {"RAG changed": moved["transitions"], "Newly Red": moved["newly_red"],
                     "Completed": moved["completed"], "New actions": moved["new_actions"],
                     "Closed or deferred": moved["retired"], "No update since": moved["updates_not_made"]}
            for name, items in lists.items():
                with st.expander(f"{name} ({len(items)})"):
                    if len(items) > PAGE_SIZE:
                        st.caption(f"The first {PAGE_SIZE} of {len(items)}, in plan order: narrow the dates or "
                                   "the filters to see the rest.")
                    if items:
                        frame_ = pd.DataFrame([{"Ref": i["ref"], "Title": i["title"], "RAG then": i["from_label"],
                                                "RAG now": i["to_label"],
                                                "Direction": DIRECTION_WORDS.get(i.get("direction"), "")}
                                               for i in items[:PAGE_SIZE]])
                        st.dataframe(style_rag_column(frame_, "RAG now"), hide_index=True, width="stretch",
                                     key=f"changes_{name}")
            with st.expander(f"Due dates moved ({len(moved['due_dates_moved'])})"):
                if moved["due_dates_moved"]:
                    st.dataframe(pd.DataFrame([{"Ref": i["ref"], "Title": i["title"], "From": i["from"], "To": i["to"],
                                                "Decided": i["decided_on"]}
                                               for i in moved["due_dates_moved"][:PAGE_SIZE]]),
                                 hide_index=True, width="stretch", key="changes_due")

url_state.publish({
    **{param: (key, value) for param, key, value in (("theme", "dash_themes", themes),
                                                     ("agency", "dash_agencies", agencies),
                                                     ("board", "dash_boards", boards))},
    "as_of": ("dash_as_of", _iso(as_of)),
    "demo": ("dash_demo", None if include_demo else "0"),
    "drill_by": ("drill_by", st.session_state.get("drill_by")),
    "drill_group": ("drill_group", st.session_state.get("drill_group")),
    "drill_rag": ("drill_rag", st.session_state.get("drill_rag")),
    "drill_flag": ("drill_flag", st.session_state.get("drill_flag")),
    "since": ("dash_since", _iso(st.session_state.get("dash_since"))),
    "until": ("dash_until", _iso(st.session_state.get("dash_until"))),
})
