"""Which OpenID Connect providers members may sign in with, read from the environment.

    SSO_PROVIDERS=company                      # keys, comma-separated: one per provider
    SSO_COMPANY_ISSUER=https://id.example.com/realms/customers
    SSO_COMPANY_CLIENT_ID=peercare
    SSO_COMPANY_CLIENT_SECRET=...              # empty for a public client (PKCE alone)
    SSO_COMPANY_LABEL=Northwind account        # the button says "Sign in with Northwind account"
    SSO_COMPANY_SCOPES=openid email profile    # the default; "openid" is always added

The same table can be given as JSON in FORUM_SSO_PROVIDERS (or a dict in the app config):
{"company": {"issuer": ..., "client_id": ..., "client_secret": ..., "label": ..., "scopes": ...}}.
A mistake here stops the app at start-up with a message naming the variable, instead of
failing at the first member's sign-in.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from authlib.common.security import is_secure_transport

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")
DEFAULT_SCOPES = "openid email profile"


class ProviderConfigError(ValueError):
    """The SSO_* settings describe a provider that can't work."""


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def from_environment(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The SSO_<KEY>_* variables for each key in SSO_PROVIDERS, as plain settings (checked later)."""
    keys = [k.strip().lower() for k in environ.get("SSO_PROVIDERS", "").split(",") if k.strip()]
    table: dict[str, dict[str, str]] = {}
    for key in keys:
        prefix = "SSO_" + key.upper().replace("-", "_") + "_"
        table[key] = {name: environ[prefix + name.upper()]
                      for name in ("issuer", "client_id", "client_secret", "label", "scopes")
                      if prefix + name.upper() in environ}
    return table


def parse(table: Mapping[str, Mapping[str, str]] | None) -> dict[str, Provider]:
    """Checked providers by key; raises ProviderConfigError naming what to fix."""
    providers: dict[str, Provider] = {}
    for key, settings in (table or {}).items():
        where = f"SSO provider “{key}”"
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise ProviderConfigError(f"{where}: a key is 1–30 characters of a–z, 0–9 and “-”.")
        if not isinstance(settings, Mapping):
            raise ProviderConfigError(f"{where}: expected issuer, client_id, client_secret, label and scopes.")
        issuer = str(settings.get("issuer") or "").strip()
        parts = urlsplit(issuer)
        if not parts.netloc or parts.scheme not in ("https", "http") or parts.query or parts.fragment:
            raise ProviderConfigError(f"{where}: the issuer must be the provider's URL, e.g. "
                                      "https://id.example.com/realms/customers.")
        if not is_secure_transport(issuer):
            raise ProviderConfigError(f"{where}: the issuer must use https (plain http only on this machine).")
        client_id = str(settings.get("client_id") or "").strip()
        if not client_id:
            raise ProviderConfigError(f"{where}: the client id (SSO_{key.upper()}_CLIENT_ID) is missing.")
        scopes = str(settings.get("scopes") or DEFAULT_SCOPES).split()
        if "openid" not in scopes:
            scopes.insert(0, "openid")
        label = str(settings.get("label") or "").strip() or key.replace("-", " ").title()
        providers[key] = Provider(key=key, label=label[:60], issuer=issuer.rstrip("/"), client_id=client_id,
                                  client_secret=str(settings.get("client_secret") or ""), scopes=" ".join(scopes))
    return providers
