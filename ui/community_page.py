"""The public community page as plain HTML: no Streamlit, no script, no link into the app.

Rendering only: the data is plan.community.community_view. Every value is escaped
(html.escape), so nothing typed into the plan can become markup. The page loads nothing else
(styles inline, no fonts, images or scripts), and the headers (HEADERS) tell the browser to
allow nothing else either.
"""

from __future__ import annotations

import html
from datetime import date

from plan.community import STATES, CommunityView, ThemeProgress
from plan.vocab import RAG_COLOURS, RAG_LABELS, RAG_TEXT_COLOURS

# default-src 'none': no script, frame, font, image, connection or form target of any kind; only
# the page's own inline style. The page is public: a short cache, so switching it off takes
# effect within a minute.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    # Not "public, max-age": a browser or proxy would keep showing an action made restricted since.
    "Cache-Control": "no-cache",
}
NOT_FOUND_HEADERS = {**HEADERS, "Cache-Control": "no-store"}

NOT_FOUND_TEXT = "There is no public page here. If you were given this address, ask the partnership for a new one."

# Black on white and each badge's text on its colour are at least 4.5:1 (see plan/vocab.py).
_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#111;background:#fff;
margin:0;line-height:1.5}
.wrap{max-width:60rem;margin:0 auto;padding:0 1.25rem}
header{border-bottom:2px solid #1D4ED8;margin-bottom:1rem;padding-top:.5rem}
h1{font-size:1.8rem;margin:.5rem 0}
h2{font-size:1.35rem;margin-top:2rem}
h3{font-size:1.1rem;margin:1.25rem 0 .25rem}
.notice{background:#F1F5F9;border-left:4px solid #1D4ED8;padding:.5rem 1rem}
.badge{display:inline-block;padding:0 .45rem;border-radius:.25rem;font-weight:600;border:1px solid #444}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;vertical-align:top;border-bottom:1px solid #767676;padding:.35rem .5rem}
table.counts{width:auto;min-width:20rem}
.number{text-align:right}
caption{text-align:left;font-weight:600;padding:.25rem 0}
ul{padding-left:1.25rem}
.scroll{overflow-x:auto}
.scroll:focus{outline:3px solid #1D4ED8;outline-offset:2px}
footer{margin-top:2.5rem;padding-bottom:2rem;font-size:.95rem;color:#333}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "Date not recorded"


def _document(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"robots\" content=\"noindex\">\n"
            f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def not_found_page() -> str:
    """The one answer for a plan that does not exist and for one whose page is off."""
    return _document("Page not found",
                     f"<main class=\"wrap\">\n<h1>Page not found</h1>\n<p>{_e(NOT_FOUND_TEXT)}</p>\n</main>")


_WORDS_AND_RAG = {key: (words, rag) for key, words, rag in STATES}


def _badge(key: str) -> str:
    words, rag = _WORDS_AND_RAG[key]
    return (f"<span class=\"badge\" style=\"background:{RAG_COLOURS[rag]};color:{RAG_TEXT_COLOURS[rag]}\">"
            f"{_e(words.capitalize())}</span>")


def _theme(index: int, progress: ThemeProgress) -> str:
    parts = [f"<section aria-labelledby=\"theme-{index}\">",
             f"<h3 id=\"theme-{index}\">{_e(progress.theme)}</h3>", f"<p>{_e(progress.sentence)}</p>"]
    if progress.total:
        rows = "".join(f"<tr><td>{_badge(key)}</td><td class=\"number\">{progress.counts[key]}</td></tr>"
                       for key, _, _ in STATES if progress.counts[key])
        parts.append(f"<table class=\"counts\"><caption>{_e(progress.theme)}: actions by progress</caption>"
                     "<thead><tr><th scope=\"col\">Progress</th>"
                     "<th scope=\"col\" class=\"number\">Actions</th></tr></thead>"
                     f"<tbody>{rows}</tbody></table>")
    parts.append("</section>")
    return "\n".join(parts)


def _completed(view: CommunityView) -> str:
    if not view.completed:
        return "<p>No published action has been completed yet.</p>"
    rows = "\n".join(
        f"<tr><td>{_e(a.ref)}</td><td>{_e(a.title)}</td><td>{_e(a.theme)}</td>"
        f"<td>{_e(a.lead_agency or 'Not named')}</td><td>{_e(_day(a.completed_on))}</td></tr>"
        for a in view.completed)
    # On a phone the five columns are wider than the screen: the table scrolls inside its own
    # region (focusable, so it can be scrolled from the keyboard), not the whole page.
    return ("<div class=\"scroll\" role=\"region\" aria-label=\"Completed actions\" tabindex=\"0\">"
            "<table><caption>Completed actions, in the plan's order</caption>\n<thead><tr>"
            "<th scope=\"col\">Ref</th><th scope=\"col\">Action</th><th scope=\"col\">Theme</th>"
            "<th scope=\"col\">Lead organisation</th><th scope=\"col\">Completed</th></tr></thead>\n"
            f"<tbody>\n{rows}\n</tbody></table></div>")


def _key() -> str:
    items = "".join(f"<li>{_badge(key)}: {_e(_MEANINGS[key])}</li>" for key, _, _ in STATES)
    return f"<ul>{items}</ul>"


_MEANINGS = {
    "complete": f"delivered ({RAG_LABELS[STATES[0][2]]} in the plan's ratings).",
    "on_track": f"expected to be delivered on time ({RAG_LABELS[STATES[1][2]]}).",
    "at_risk": f"some delay or difficulty that the partners expect to resolve ({RAG_LABELS[STATES[2][2]]}).",
    "off_track": f"will not be delivered on time without further help or a decision ({RAG_LABELS[STATES[3][2]]}).",
    "not_assessed": "no progress report yet.",
    "deferred": "put back to a later date by the partnership.",
    "closed": "stopped before it was completed, for example because it is no longer needed.",
}


def community_page(view: CommunityView) -> str:
    """The whole page for a plan whose community page is on."""
    published = _day(view.as_of)
    vision = f"<p>{_e(view.vision)}</p>" if view.vision.strip() else ""
    themes = "\n".join(_theme(i, t) for i, t in enumerate(view.themes, 1))
    body = f"""<header><div class="wrap">
<p>{_e(view.organisation)}</p>
<h1>{_e(view.name)}: progress for the community</h1>
</div></header>
<main class="wrap">
<p class="notice">Published for the public on {_e(published)}. This is a summary of the plan's progress.
Detailed progress is reported to the partnership's boards.</p>
<h2>What the plan is for</h2>
{vision}
<h2>Progress by theme</h2>
<p>{view.total} published {"action" if view.total == 1 else "actions"} in all. Some actions are not published
here, for example where making them public could put people or operations at risk; they are not counted on
this page.</p>
{themes}
<h2>What the words mean</h2>
{_key()}
<h2>Completed actions</h2>
{_completed(view)}
</main>
<footer class="wrap"><p>Published for the public by {_e(view.organisation)} on {_e(published)}.</p></footer>"""
    return _document(f"{view.name}: progress for the community", body)
