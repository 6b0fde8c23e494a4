"""Single sign-on with the company's OpenID Connect providers (the relying-party side).

`init_app` registers one Authlib client per provider in SSO_PROVIDERS (see `providers`).
Views call `begin` to send the browser to the provider and `finish` on the way back; both
turn every provider problem (consent denied, a stale or forged `state`, an expired or reused
code, a token that doesn't verify, a provider that can't be reached) into `SignInFailed`,
with a message for the member and one log line for the operator. What happens to accounts
is `forum.services.sso`'s business: this package only proves who the provider says it is.
"""

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.flask_client import OAuth
from flask import current_app, session
from flask_babel import gettext as _
from joserfc.errors import JoseError

from forum.sso.client import IssuerMismatch, ProviderClient
from forum.sso.providers import Provider, ProviderConfigError, parse

__all__ = ["Provider", "ProviderAccount", "ProviderConfigError", "SignInFailed", "begin", "finish", "init_app"]

log = logging.getLogger(__name__)
EXTENSION = "sso"
# What the session remembers about a sign-in through a provider (for logout and re-authentication).
SESSION_KEY = "sso"


class SignInFailed(Exception):
    """The provider didn't sign the member in; `message` is for them, `reason` for the log."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason, self.message = reason, message


@dataclass(frozen=True)
class ProviderAccount:
    """Who the provider vouched for: the verified ID token's claims (plus userinfo) and the raw token."""

    provider: str
    subject: str
    claims: dict
    id_token: str


@dataclass
class _Registry:
    providers: dict[str, Provider]
    oauth: OAuth


def init_app(app) -> None:
    """Register the configured providers (again, when the configuration changed)."""
    providers = parse(app.config.get("SSO_PROVIDERS"))
    oauth = OAuth(app)
    for provider in providers.values():
        client_kwargs = {"scope": provider.scopes, "code_challenge_method": "S256",
                         "default_timeout": app.config["SSO_HTTP_TIMEOUT"]}
        if not provider.client_secret:
            client_kwargs["token_endpoint_auth_method"] = "none"  # noqa: S105 - a public client (PKCE alone)
        oauth.register(provider.key, client_cls=ProviderClient, client_id=provider.client_id,
                       client_secret=provider.client_secret or None, server_metadata_url=provider.discovery_url,
                       client_kwargs=client_kwargs, issuer=provider.issuer,
                       metadata_max_age=app.config["SSO_METADATA_MAX_AGE"], leeway=app.config["SSO_CLOCK_LEEWAY"])
    app.extensions[EXTENSION] = _Registry(providers, oauth)


def _registry() -> _Registry:
    return current_app.extensions[EXTENSION]


def providers() -> list[Provider]:
    """The configured providers, in the order they were configured."""
    return list(_registry().providers.values())


def labels() -> dict[str, str]:
    """Button labels by provider key (identities of a provider removed from the config show their key)."""
    return {p.key: p.label for p in providers()}


def get(key: str) -> Provider | None:
    return _registry().providers.get(key)


def client(key: str) -> ProviderClient:
    return _registry().oauth.create_client(key)


def callback_url(key: str) -> str:
    """The redirect URI to register at the provider (on SITE_URL, the address members use)."""
    return current_app.config["SITE_URL"].rstrip("/") + f"/sso/{key}/callback"


def signed_out_url(key: str) -> str:
    """Where the provider sends the browser after RP-initiated logout (register it too)."""
    return current_app.config["SITE_URL"].rstrip("/") + f"/sso/{key}/signed-out"


def _failed(provider: Provider, reason: str, message: str, detail: str) -> SignInFailed:
    log.warning("single sign-on failed", extra={"provider": provider.key, "reason": reason, "detail": detail[:500]})
    return SignInFailed(reason, message)


def _unreachable(provider: Provider, exc: Exception) -> SignInFailed:
    return _failed(provider, "unreachable",
                   _("We couldn't reach %(provider)s just now, so you are not signed in. "
                     "Please try again in a few minutes.", provider=provider.label), f"{type(exc).__name__}: {exc}")


def begin(provider: Provider, *, prompt: str | None = None):
    """A redirect to the provider's authorization endpoint (state, nonce and PKCE kept in the session)."""
    extra = {"prompt": prompt} if prompt else {}
    try:
        return client(provider.key).authorize_redirect(callback_url(provider.key), **extra)
    except (requests.RequestException, ValueError) as exc:
        raise _unreachable(provider, exc) from exc
    except IssuerMismatch as exc:
        raise _failed(provider, "misconfigured", _("%(provider)s is not set up correctly here, so you can't "
                      "sign in with it right now. Please tell the site's administrators.", provider=provider.label),
                      str(exc)) from exc


def finish(provider: Provider) -> ProviderAccount:
    """Exchange the code from the callback and verify the ID token; raises SignInFailed."""
    remote = client(provider.key)
    try:
        token = remote.authorize_access_token()
        claims = token.get("userinfo")
        if claims is None:
            raise _failed(provider, "no_id_token", _("%(provider)s didn't send an ID token, so you are not "
                          "signed in. Please tell the site's administrators.", provider=provider.label),
                          "token response without id_token")
        claims = dict(claims)
        claims.update({k: v for k, v in _userinfo(remote, provider, claims).items() if k not in claims})
    except SignInFailed:
        raise
    except MismatchingStateError as exc:
        raise _failed(provider, "state", _("This sign-in was started in another browser tab or has expired. "
                      "Please sign in again."), "state not found in the session") from exc
    except AuthlibBaseError as exc:
        raise _provider_error(provider, exc) from exc
    except JoseError as exc:
        raise _failed(provider, "invalid_token", _("We couldn't verify what %(provider)s sent, so you are "
                      "not signed in. Please try again; if it keeps happening, tell the site's administrators.",
                      provider=provider.label), f"ID token refused: {type(exc).__name__}: {exc}") from exc
    except IssuerMismatch as exc:
        raise _failed(provider, "misconfigured", _("%(provider)s is not set up correctly here. Please tell "
                      "the site's administrators.", provider=provider.label), str(exc)) from exc
    except (requests.RequestException, ValueError) as exc:
        raise _unreachable(provider, exc) from exc
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise _failed(provider, "invalid_token", _("%(provider)s didn't identify your account, so you are "
                      "not signed in.", provider=provider.label), "missing or oversized sub claim")
    return ProviderAccount(provider.key, subject, claims, token["id_token"])


def _provider_error(provider: Provider, exc: AuthlibBaseError) -> SignInFailed:
    code = str(exc.error or "")
    detail = f"{code}: {exc.description or ''}"
    if code == "access_denied":
        return _failed(provider, "denied", _("You didn't allow %(provider)s to sign you in here. "
                       "Sign in again whenever you're ready.", provider=provider.label), detail)
    if code == "invalid_grant":
        return _failed(provider, "expired_code", _("That sign-in took too long or was already used. "
                       "Please sign in again."), detail)
    if code == "login_required":
        return _failed(provider, "login_required", _("Please sign in at %(provider)s to continue.",
                                                     provider=provider.label), detail)
    if code:
        return _failed(provider, "provider_error", _("%(provider)s couldn't sign you in (%(code)s). Please try again.",
                                                     provider=provider.label, code=code[:40]), detail)
    return _failed(provider, "provider_error", _("%(provider)s couldn't sign you in. Please try again.",
                                                 provider=provider.label), detail)


def _userinfo(remote: ProviderClient, provider: Provider, claims: dict) -> dict:
    """Extra claims from the userinfo endpoint, when the provider has one and it answers for the same `sub`.

    Some providers put profile claims only there. A failure here is logged and the ID token's
    claims are used alone: they already prove who signed in.
    """
    if not remote.load_server_metadata().get("userinfo_endpoint"):
        return {}
    try:
        info = dict(remote.userinfo())
    except (requests.RequestException, ValueError, AuthlibBaseError) as exc:
        log.warning("single sign-on userinfo unavailable",
                    extra={"provider": provider.key, "detail": f"{type(exc).__name__}: {exc}"[:500]})
        return {}
    return info if info.get("sub") == claims.get("sub") else {}


def supports_logout(key: str) -> bool:
    """Whether the provider advertises an end-session endpoint (RP-initiated logout)."""
    provider = get(key)
    if provider is None:
        return False
    try:
        return bool(client(key).load_server_metadata().get("end_session_endpoint"))
    except (requests.RequestException, ValueError, IssuerMismatch):
        return False


def logout_redirect(provider: Provider, id_token_hint: str | None):
    """A redirect to the provider's end-session endpoint, coming back to `signed_out_url`."""
    return client(provider.key).logout_redirect(post_logout_redirect_uri=signed_out_url(provider.key),
                                                id_token_hint=id_token_hint, client_id=provider.client_id)


def finish_logout(provider: Provider) -> bool:
    """Whether the browser came back from the provider's logout with the state we sent."""
    try:
        client(provider.key).validate_logout_response()
    except AuthlibBaseError:
        return False
    return True


def remember_sign_in(account: ProviderAccount, *, at: float) -> None:
    """Note in the (fresh) session which provider signed the member in, for logout and re-authentication.

    The ID token is kept as the logout hint only while it is small enough for the session cookie.
    """
    hint = account.id_token if len(account.id_token) <= current_app.config["SSO_ID_TOKEN_HINT_MAX"] else None
    session[SESSION_KEY] = {"provider": account.provider, "at": at, "id_token": hint}


def logout_offer() -> Provider | None:
    """The provider to offer signing out of after signing out here, if the session came from one that can."""
    remembered = session.get(SESSION_KEY) or {}
    provider = get(remembered.get("provider", ""))
    if provider is None or not supports_logout(provider.key):
        session.pop(SESSION_KEY, None)
        return None
    return provider


def form_action_origins() -> tuple[str, ...]:
    """Origins the sign-in and sign-out buttons redirect to: the CSP's form-action must allow them.

    The issuer's origin, plus the authorization and end-session endpoints' once discovery was read
    (a provider may serve them from another host).
    """
    registry = current_app.extensions.get(EXTENSION)
    if registry is None:
        return ()
    origins: list[str] = []
    for provider in registry.providers.values():
        urls = [provider.issuer]
        metadata = registry.oauth.create_client(provider.key).server_metadata
        urls += [metadata.get("authorization_endpoint") or "", metadata.get("end_session_endpoint") or ""]
        for url in urls:
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""
            if origin and origin not in origins and all(c not in origin for c in " ;,'"):
                origins.append(origin)
    return tuple(origins)
