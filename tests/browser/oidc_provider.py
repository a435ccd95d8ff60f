"""A small, real OpenID Connect provider for the single sign-on browser tests.

It stands in for Microsoft Entra ID (or any OIDC provider) on 127.0.0.1, so `st.login` runs its real
flow: discovery, the authorization code flow with PKCE (S256) and a nonce, a client-authenticated
token request, an RS256-signed ID token checked against /jwks, /userinfo, and RP-initiated logout.
The protocol work is Authlib's own server code (`authlib.oauth2`, `authlib.oidc.core`,
`authlib.oidc.rpinitiated`) with keys from joserfc, the JOSE library Authlib 1.9 signs with
(`authlib.jose` is deprecated). This module only stores codes and tokens in dicts and adapts
Starlette requests and responses.

There is no human, so /authorize shows a one-field form ("Email address", "Continue") that the
test's browser fills in with the account that signs in. Only accounts given to the provider can
sign in: the provider is the organisation's directory, our database decides the role.

    with OIDCProvider({"pat@example.org": "Pat"}, redirect_uri=APP + "/oauth2callback") as idp:
        idp.discovery_url, idp.client_id, idp.client_secret   # for [auth] in secrets.toml
        idp.events                                             # ("signed in", email), ...
"""

from __future__ import annotations

import hmac
import html
import secrets
import socket
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

import uvicorn
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    InvalidRequestError,
    OAuth2Error,
    OAuth2Payload,
    OAuth2Request,
    ResourceProtector,
    TokenMixin,
    grants,
)
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from authlib.oidc.discovery import OpenIDProviderMetadata
from authlib.oidc.rpinitiated import EndSessionEndpoint
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

SCOPES = ["openid", "email", "profile"]
CODE_LIFETIME = 600  # seconds; RFC 6749 recommends at most ten minutes


# --- What the provider stores: one client (the app), codes and tokens. --------------------------

@dataclass
class Account:
    email: str
    name: str

    @property
    def sub(self) -> str:  # a stable subject identifier, as a real directory gives
        return "user-" + self.email.lower()


@dataclass
class Client(ClientMixin):
    """The app, registered with one redirect URI (its /oauth2callback), also allowed after logout."""

    client_id: str
    client_secret: str
    redirect_uri: str

    @property
    def client_metadata(self) -> dict:  # read by the end_session endpoint
        return {"post_logout_redirect_uris": [self.redirect_uri]}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_allowed_scope(self, scope: str | None) -> str:
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.redirect_uri  # exact match, as the spec requires

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")  # a confidential client

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    account: Account
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


@dataclass
class Token(TokenMixin):
    access_token: str
    client: Client
    account: Account
    scope: str
    expires_in: int
    issued_at: float = field(default_factory=time.time)
    revoked: bool = False

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + self.expires_in

    def is_revoked(self) -> bool:
        return self.revoked

    def get_user(self) -> Account:
        return self.account

    def get_client(self) -> Client:
        return self.client


def user_info(account: Account, scope: str) -> UserInfo:
    """The claims about an account that the scope allows (ID token and /userinfo alike)."""
    return UserInfo(sub=account.sub, name=account.name, email=account.email, email_verified=True).filter(scope)


# --- Authlib's server pieces, told where things are stored. -------------------------------------

class _AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.server.provider.nonces.add(data.get("nonce"))
        self.server.provider.codes[code] = AuthorizationCode(
            code=code, client_id=request.client.get_client_id(), redirect_uri=request.payload.redirect_uri,
            scope=request.scope, account=request.user, nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"), code_challenge_method=data.get("code_challenge_method"))

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        item = self.server.provider.codes.get(code)
        if item and item.client_id == client.client_id and time.time() < item.auth_time + CODE_LIFETIME:
            return item
        return None

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        self.server.provider.codes.pop(authorization_code.code, None)  # a code is good for one use

    def authenticate_user(self, authorization_code: AuthorizationCode) -> Account:
        return authorization_code.account


class _PKCERequired(CodeChallenge):
    """PKCE for every authorization request, S256 only: a client that stops sending it fails here."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):  # noqa: ANN001, ANN201  Authlib's hook
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with code_challenge_method=S256 is required.", redirect_uri=redirect_uri)
        return super().validate_code_challenge(grant, redirect_uri)


class _OpenIDCode(OpenIDCode):
    """Adds the RS256-signed ID token (iss, aud, nonce, at_hash, the user's claims) to the token."""

    def __init__(self, provider: OIDCProvider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:  # a replayed nonce is refused
        return nonce in self.provider.nonces

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return self.provider.key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict:
        return {"alg": "RS256", "kid": self.provider.key.kid}

    def get_client_claims(self, client: Client) -> dict:
        return {"iss": self.provider.issuer, "aud": [client.client_id]}

    def generate_user_info(self, user: Account, scope: str) -> UserInfo:
        return user_info(user, scope)


class _EndSession(EndSessionEndpoint):
    def get_server_jwks(self) -> KeySet:
        return KeySet([self.server.provider.key])

    def end_session(self, end_session_request) -> None:  # noqa: ANN001  Authlib's EndSessionRequest
        claims = end_session_request.id_token_claims or {}
        provider = self.server.provider
        for token in provider.tokens.values():  # the provider's session ends: its tokens stop working
            if token.account.sub == claims.get("sub"):
                token.revoked = True
        provider.events.append(("signed out", claims.get("email", "")))


class _BearerTokens(BearerTokenValidator):
    def __init__(self, provider: OIDCProvider) -> None:
        super().__init__()
        self.provider = provider

    def authenticate_token(self, token_string: str) -> Token | None:
        return self.provider.tokens.get(token_string)


class _Payload(OAuth2Payload):
    """The request's parameters (query string and form together), as Authlib reads them."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._datalist: dict[str, list[str]] = defaultdict(list)
        for key, value in items:
            self._datalist[key].append(value)

    @property
    def data(self) -> dict[str, str]:
        return {key: values[0] for key, values in self._datalist.items()}

    @property
    def datalist(self) -> dict[str, list[str]]:
        return self._datalist


class _Request(OAuth2Request):
    """A Starlette request, read in full (Authlib's server code is synchronous)."""

    def __init__(self, request: Request, form: list[tuple[str, str]]) -> None:
        super().__init__(request.method, str(request.url), headers=request.headers)
        self._args = dict(request.query_params)
        self._form = dict(form)
        self.payload = _Payload(list(request.query_params.multi_items()) + form)

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _Server(AuthorizationServer):
    def __init__(self, provider: OIDCProvider) -> None:
        super().__init__(scopes_supported=SCOPES)
        self.provider = provider

    def query_client(self, client_id: str) -> Client | None:
        return self.provider.client if client_id == self.provider.client.client_id else None

    def save_token(self, token: dict, request: OAuth2Request) -> None:
        self.provider.tokens[token["access_token"]] = Token(
            access_token=token["access_token"], client=request.client, account=request.user,
            scope=token["scope"], expires_in=token["expires_in"])
        self.provider.events.append(("token issued", request.user.email))

    def create_oauth2_request(self, request: _Request) -> _Request:
        return request

    def handle_response(self, status: int, body: object, headers: list[tuple[str, str]]) -> Response:
        if isinstance(body, dict):
            return JSONResponse(body, status_code=status, headers=dict(headers))
        return Response(body, status_code=status, headers=dict(headers))

    def send_signal(self, name: str, *args: object, **kwargs: object) -> None:
        pass


# --- The provider: its pages, and running it on a free port. ------------------------------------

_FORM = """<!doctype html><html lang="en"><head><title>Test identity provider</title></head><body>
<h1>Sign in to the test identity provider</h1>{error}
<form method="post" action="/authorize?{query}">
<label>Email address <input name="email" type="email" autocomplete="off"></label>
<button type="submit">Continue</button></form></body></html>"""


class OIDCProvider:
    """A running provider for one client. `accounts` maps email to display name."""

    def __init__(self, accounts: dict[str, str], *, redirect_uri: str) -> None:
        self.accounts = {email.lower(): Account(email, name) for email, name in accounts.items()}
        self.client = Client("action-plan-tracker", secrets.token_urlsafe(24), redirect_uri)
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig", "alg": "RS256"})
        self.codes: dict[str, AuthorizationCode] = {}
        self.tokens: dict[str, Token] = {}
        self.nonces: set[str] = set()  # every nonce a code was issued for
        self.events: list[tuple[str, str]] = []  # what the provider did, for tests to check
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.issuer = f"http://127.0.0.1:{self._socket.getsockname()[1]}"

        self.server = _Server(self)
        self.server.register_token_generator("default", BearerTokenGenerator(lambda **_: generate_token(42)))
        self.server.register_grant(_AuthorizationCodeGrant, [_PKCERequired(), _OpenIDCode(self)])
        self.server.register_endpoint(_EndSession)
        self.protector = ResourceProtector()
        self.protector.register_token_validator(_BearerTokens(self))

        self.app = Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/jwks", self.jwks),
            Route("/authorize", self.authorize, methods=["GET", "POST"]),
            Route("/token", self.token, methods=["POST"]),
            Route("/userinfo", self.userinfo, methods=["GET", "POST"]),
            Route("/end_session", self.end_session, methods=["GET", "POST"]),
        ])
        self._uvicorn = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="off"))
        self._thread = threading.Thread(target=self._uvicorn.run, kwargs={"sockets": [self._socket]}, daemon=True)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def client_id(self) -> str:
        return self.client.client_id

    @property
    def client_secret(self) -> str:
        return self.client.client_secret

    def metadata(self) -> dict:
        doc = OpenIDProviderMetadata(
            issuer=self.issuer, authorization_endpoint=f"{self.issuer}/authorize",
            token_endpoint=f"{self.issuer}/token", userinfo_endpoint=f"{self.issuer}/userinfo",
            jwks_uri=f"{self.issuer}/jwks", end_session_endpoint=f"{self.issuer}/end_session",
            scopes_supported=SCOPES, response_types_supported=["code"], grant_types_supported=["authorization_code"],
            subject_types_supported=["public"], id_token_signing_alg_values_supported=["RS256"],
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            code_challenge_methods_supported=["S256"],  # Streamlit sends PKCE only when this says S256
            claims_supported=["sub", "name", "email", "email_verified"])
        doc.validate()
        return dict(doc)

    async def _read(self, request: Request) -> _Request:
        form = list((await request.form()).multi_items()) if request.method == "POST" else []
        return _Request(request, [(k, v) for k, v in form if isinstance(v, str)])

    async def discovery(self, request: Request) -> Response:
        return JSONResponse(self.metadata())

    async def jwks(self, request: Request) -> Response:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    async def authorize(self, request: Request) -> Response:
        """GET: check the client's request (client, redirect URI, scope, PKCE, nonce), then ask who
        signs in. POST: the form's answer; a known account gets a code sent to the redirect URI."""
        oauth_request = await self._read(request)
        account = None
        if request.method == "POST":
            account = self.accounts.get(oauth_request.form.get("email", "").strip().lower())
        try:
            grant = self.server.get_consent_grant(oauth_request, end_user=account)
        except OAuth2Error as error:  # sent back to the app if its redirect URI was valid, else shown here
            return self.server.handle_error_response(oauth_request, error)
        if account is None:
            error = "<p role=alert>No account with that email address here.</p>" if request.method == "POST" else ""
            return HTMLResponse(_FORM.format(error=error, query=html.escape(urlencode(oauth_request.args))))
        self.events.append(("signed in", account.email))
        return self.server.create_authorization_response(oauth_request, grant_user=account, grant=grant)

    async def token(self, request: Request) -> Response:
        return self.server.create_token_response(await self._read(request))

    async def userinfo(self, request: Request) -> Response:
        oauth_request = await self._read(request)
        try:
            token = self.protector.validate_request(["openid"], oauth_request)
        except OAuth2Error as error:
            return self.server.handle_error_response(oauth_request, error)
        return JSONResponse(dict(user_info(token.account, token.scope)))

    async def end_session(self, request: Request) -> Response:
        """RP-initiated logout: checks the id_token_hint was ours, ends the session, and goes back to
        the registered post_logout_redirect_uri (or says so here when there is none)."""
        response = self.server.create_endpoint_response("end_session", await self._read(request))
        return response or HTMLResponse("<!doctype html><title>Signed out</title><p>You are signed out.</p>")

    def __enter__(self) -> OIDCProvider:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._uvicorn.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test OIDC provider did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._uvicorn.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
