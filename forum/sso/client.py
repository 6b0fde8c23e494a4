"""The OpenID Connect relying party: Authlib's Flask client with a stricter ID token check.

Authlib runs the authorization-code flow: `state`, `nonce` and the PKCE verifier (S256) are
kept in the signed session cookie between the redirect and the callback, and the code is
exchanged at the token endpoint. What this module adds:

- the discovery document must name the issuer we were configured with, and is re-read after
  SSO_METADATA_MAX_AGE seconds;
- the ID token's signature is checked against the provider's keys (JWKS, cached with the
  discovery document). An unknown `kid` (or, for a provider that omits `kid`, a signature no
  cached key verifies) makes exactly one refresh of the keys before the token is refused,
  which is how a provider's key rotation is followed;
- only asymmetric algorithms the provider advertises are accepted (never "none", never HS*);
- issuer, audience (our client id must be in `aud`), expiry, issued-at, nonce, `azp` and
  `at_hash` are verified (Authlib's CodeIDToken rules plus the audience option).
"""

import time

from authlib.integrations.flask_client import FlaskOAuth2App
from authlib.oidc.core import CodeIDToken, UserInfo
from joserfc import jws, jwt
from joserfc.errors import BadSignatureError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


class IssuerMismatch(Exception):
    """The discovery document names another issuer than the one configured."""


class ProviderClient(FlaskOAuth2App):
    OAUTH_APP_CONFIG = None

    def __init__(self, *args, issuer: str, metadata_max_age: int, leeway: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.issuer = issuer
        self.metadata_max_age = metadata_max_age
        self.leeway = leeway
        self.jwks_fetches = 0

    def load_server_metadata(self) -> dict:
        loaded_at = self.server_metadata.get("_loaded_at")
        if loaded_at is not None and time.time() - loaded_at > self.metadata_max_age:
            self.server_metadata = {}
        metadata = super().load_server_metadata()
        if str(metadata.get("issuer", "")).rstrip("/") != self.issuer.rstrip("/"):
            named = metadata.get("issuer")
            self.server_metadata = {}
            raise IssuerMismatch(f"the discovery document names the issuer {named!r}, not {self.issuer!r}")
        return metadata

    def fetch_jwk_set(self, force: bool = False) -> dict:
        if force or not self.load_server_metadata().get("jwks"):
            self.jwks_fetches += 1
        return super().fetch_jwk_set(force=force)

    def parse_id_token(self, token, nonce, claims_options=None, claims_cls=None, leeway=120):
        """Verify the ID token from the token response and return its claims."""
        if "id_token" not in token:
            return None
        metadata = self.load_server_metadata()
        advertised = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [alg for alg in advertised if alg in ASYMMETRIC]
        raw = token["id_token"]
        try:
            verified = _verify(raw, self.fetch_jwk_set(), algorithms)
        except (InvalidKeyIdError, _NoKidMatched):
            verified = _verify(raw, self.fetch_jwk_set(force=True), algorithms)
        claims = CodeIDToken(
            verified.claims, verified.header,
            {"iss": {"essential": True, "values": [metadata["issuer"]]},
             "aud": {"essential": True, "values": [self.client_id]}},
            {"nonce": nonce, "client_id": self.client_id, "access_token": token.get("access_token")})
        claims.validate(leeway=self.leeway)
        return UserInfo(claims)


class _NoKidMatched(BadSignatureError):
    """A token without `kid` that no cached key verifies: worth one refresh of the keys."""


def _verify(raw: str, jwks: dict, algorithms: list[str]):
    header = jws.extract_compact(raw.encode()).headers()
    if header.get("alg") not in algorithms:
        raise BadSignatureError(f"the algorithm {header.get('alg')!r} is not accepted")
    key_set = KeySet.import_key_set(jwks)
    registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
    kid = header.get("kid")
    if kid is not None:
        return jwt.decode(raw, key_set, algorithms=algorithms, registry=registry)
    for key in key_set.keys:
        try:
            return jwt.decode(raw, key, algorithms=algorithms, registry=registry)
        except (JoseError, ValueError):  # another key's signature, or a key of another type
            continue
    raise _NoKidMatched("no key of the provider verifies the signature")
