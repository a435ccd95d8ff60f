"""The web server around the app: `python -m streamlit run server.py` (scripts/run.sh does it).

Streamlit's `st.App` serves app.py as usual and lets us add what a page cannot do for itself:
- /api/session swaps the one-time code a sign-in made for an HttpOnly session cookie, so a
  reload or a second tab stays signed in (plan/sessions.py); /api/session/end clears it. Both
  are bound to the browser: every browser gets a random pre-session cookie with its first page
  (BrowserGuard), a code is swapped only with the cookie it was made under, only when the browser
  says the navigation came from this site (Sec-Fetch-Site), and sign-out needs a token derived
  from that cookie. Another site can neither sign a victim in as the attacker (login CSRF) nor
  sign them out.
- app pages may not be framed (frame-ancestors 'none', X-Frame-Options DENY: clickjacking), and the
  app's websocket is accepted only from a page of this very host and port (Origin = Host):
  Streamlit's own check lets any port of the same host name in.
- downloads (exports) are served only to the signed-in browser session that made them; the
  same file's URL asked for without that session's cookie gets 403.
- /community/<slug> is the plan's public community page (off unless an admin switches it on):
  plain HTML built outside Streamlit (plan/community.py, ui/community_page.py), no script, no
  sign-in, no link into the app; a plan that does not exist and one whose page is off get the same
  404.
- the old "pages/ folder" mode is off from the first request, so /users on a fresh server runs
  app.py's router (sign-in first), never pages/users.py on its own. Each page still checks who
  is signed in itself (ui/frame.page_start): defence in depth.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode, urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web.server.starlette.starlette_server_config import TOKENS_COOKIE_NAME, USER_COOKIE_NAME

from plan import community, sessions
from plan.change_stamp import change_stamp
from plan.db import session_scope
from ui import community_page, downloads

# Streamlit decides "pages/ folder mode" once per process, on the first session, and until the
# first st.navigation call runs pages/<name>.py directly, without app.py's sign-in. Decide it now.
PagesManager.uses_pages_directory = False


def _safe_next(value: str | None) -> str:
    """Only a path on this site: never another host (//evil, https://evil, \\evil)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or "\n" in value:
        return "/"
    return value


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"


def _swap(code: str, browser: str) -> str | None:
    with session_scope() as session:
        return sessions.take_handover(session, code=code, browser=browser)


def _from_this_site(request: Request) -> bool:
    """The browser says this request was started by a page of this site. Browsers that send no
    Sec-Fetch-Site (none we support; scripts) rely on the pre-session cookie binding alone."""
    return request.headers.get("sec-fetch-site", "same-origin") == "same-origin"


REFUSED = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Not signed in</title></head>"
           "<body><main><h1>Not signed in</h1><p>{what} only works from the plan's own pages. "
           "<a href='/'>Go to the plan</a> and sign in (or out) there.</p></main></body></html>")


def _refused(what: str) -> Response:
    return HTMLResponse(REFUSED.format(what=what), status_code=403, headers={"Cache-Control": "no-store"})


async def start_session(request: Request) -> Response:
    if not _from_this_site(request):  # another site sent the browser here: a planted code (login CSRF)
        return _refused("Signing in")
    browser = request.cookies.get(sessions.BROWSER_COOKIE, "")
    token = await run_in_threadpool(_swap, request.query_params.get("code", ""), browser)
    response = RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    if token:
        response.set_cookie(sessions.COOKIE, token, max_age=sessions.ABSOLUTE_HOURS * 3600, path="/",
                            httponly=True, samesite="strict", secure=_secure(request))
    response.headers["Cache-Control"] = "no-store"
    return response


async def end_session(request: Request) -> Response:
    """The page has already revoked the session in the database; this forgets the cookie and goes
    back to where the browser was (the sign-in form shows there), saying why if the session ended
    by itself (idle, expired, account disabled). Only with the sign-out token of this browser's
    pre-session cookie, from a page of this site: a link on another site signs nobody out."""
    if not _from_this_site(request) or not sessions.sign_out_allowed(
            token=request.query_params.get("t", ""), browser=request.cookies.get(sessions.BROWSER_COOKIE, "")):
        return _refused("Signing out")
    target = _safe_next(request.query_params.get("next"))
    ended = request.query_params.get("ended", "")
    if ended in sessions.ENDED and sessions.ENDED[ended]:
        target += ("&" if "?" in target else "?") + urlencode({"signed_out": ended})
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request))
    # Streamlit's single sign-on identity cookie (30 days) ends with our session: otherwise the next
    # page would start a new session from it without anyone signing in (after the idle time-out,
    # the expiry, or a sign-out in another tab). A new st.login is needed.
    for name in request.cookies:
        if name.startswith((USER_COOKIE_NAME, TOKENS_COOKIE_NAME)):
            response.delete_cookie(name, path="/")
    response.headers["Cache-Control"] = "no-store"
    return response


# A rendered community page is kept for COMMUNITY_SECONDS, so the public (anyone, any number of
# times) cannot make the database add up a 10,000-action plan on every request; but only while
# nothing in the database has changed (the change stamp: two index look-ups), so an action made
# restricted, or any other change, is off the page at the next request. Whether the page is on is
# asked on every request: switched off, it is gone at once. Browsers and proxies keep no copy
# (community_page.HEADERS: no-cache).
COMMUNITY_SECONDS = 30.0
_rendered: dict[str, tuple[float, tuple[int, ...], str]] = {}


def _community_page(slug: str) -> str | None:
    with session_scope() as session:
        if not community.community_view_is_on(session, slug):
            _rendered.pop(slug, None)
            return None
        stamp = change_stamp(session)
        kept = _rendered.get(slug)
        if kept and kept[1] == stamp and time.monotonic() - kept[0] < COMMUNITY_SECONDS:
            return kept[2]
        view = community.community_view(session, slug)
    if view is None:
        return None
    page = community_page.community_page(view)
    _rendered[slug] = (time.monotonic(), stamp, page)
    return page


async def community_route(request: Request) -> Response:
    """The public community page: the same 404 for an unknown plan and for one whose page is off."""
    page = await run_in_threadpool(_community_page, request.path_params.get("slug", ""))
    if page is None:
        return HTMLResponse(community_page.not_found_page(), status_code=404,
                            headers=community_page.NOT_FOUND_HEADERS)
    return HTMLResponse(page, headers=community_page.HEADERS)


class DownloadGuard:
    """Exports are OFFICIAL-SENSITIVE: /media/<file> of a download is served only with the cookie of
    the signed-in session that made it."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] == "http" and scope["path"].startswith("/media/"):
            request = Request(scope)
            file_id = scope["path"].rsplit("/", 1)[-1].split(".", 1)[0]
            cookie = request.cookies.get(sessions.COOKIE, "")
            if downloads.is_download(file_id) and not await run_in_threadpool(downloads.may_fetch, file_id, cookie):
                await PlainTextResponse("This file is not available. Sign in and export it again.",
                                        status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


FRAMING = ((b"x-frame-options", b"DENY"), (b"content-security-policy", b"frame-ancestors 'none'"))


def _same_origin(origin: str, headers: dict[str, str]) -> bool:
    """The websocket's Origin is this host and port (or the host a proxy says it forwarded)."""
    netloc = urlsplit(origin).netloc.lower()
    hosts = {headers.get("host", "").lower(), headers.get("x-forwarded-host", "").split(",")[0].strip().lower()}
    return bool(netloc) and netloc in hosts - {""}


class BrowserGuard:
    """What every response and the websocket need, that Streamlit does not do:
    - no framing of app pages (the community page sets its own, stricter, policy);
    - a random pre-session cookie on the first page a browser loads, which sign-in and sign-out are
      bound to (plan/sessions.py); never on the public community page;
    - the websocket refused unless its Origin is exactly this host and port."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] == "websocket":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            origin = headers.get("origin")
            if origin is not None and not _same_origin(origin, headers):
                await send({"type": "websocket.close", "code": 1008})
                return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        public = scope["path"].startswith("/community")
        needs_cookie = not public and not request.cookies.get(sessions.BROWSER_COOKIE)
        secure = _secure(request)

        async def send_guarded(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in FRAMING if name not in names]
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if needs_cookie and content_type.startswith(b"text/html"):
                    cookie = (f"{sessions.BROWSER_COOKIE}={sessions.new_browser_value()}; Path=/; HttpOnly; "
                              f"SameSite=Lax{'; Secure' if secure else ''}")
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_guarded)


app = st.App(
    "app.py",
    routes=[Route("/api/session", start_session), Route("/api/session/end", end_session),
            Route("/community", community_route), Route("/community/{slug:path}", community_route)],
    middleware=[Middleware(BrowserGuard), Middleware(DownloadGuard)],
)
