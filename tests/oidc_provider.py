"""A real OpenID Connect provider for the tests: oidc-provider-mock served on 127.0.0.1.

It is Authlib's authorization server with discovery, JWKS, authorization (a login form that
asks for the account's `sub`), token, userinfo and end-session endpoints; users and their
claims (email_verified, custom claims) are set over its HTTP API. Two things the package has
no API for are done here, each on the provider's side only:

- key rotation replaces the provider's signing key (its JWKS then publishes only the new key);
- an interceptor in front of the provider can rewrite the ID token in token responses, to
  play an attacker (or a broken provider) between the two servers. It also counts JWKS
  requests, so tests see when the relying party refreshes the keys.

The relying party (Authlib's client inside PeerCare) is never patched.
"""

import base64
import json
import threading
from collections.abc import Callable
from datetime import timedelta

import flask
import requests
import werkzeug.serving
from joserfc import jwt
from joserfc.jwk import RSAKey


class Provider:
    def __init__(self) -> None:
        import oidc_provider_mock

        self.app = oidc_provider_mock.app(require_nonce=True, access_token_max_age=timedelta(minutes=5))
        self.rewrite_id_token: Callable[[str], str] | None = None
        self.token_responses: list[dict] = []
        self.jwks_requests = 0
        self.fail_with: int | None = None
        self._server = werkzeug.serving.make_server("127.0.0.1", 0, self._intercept, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)

    def reset(self) -> None:
        self.rewrite_id_token = None
        self.fail_with = None
        self.token_responses.clear()
        self.jwks_requests = 0

    # --- what a test sets up at the provider ----------------------------------------------------

    def set_user(self, sub: str, **claims: object) -> None:
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=5)
        response.raise_for_status()

    def _storage(self):
        with self.app.test_request_context():
            self.app.preprocess_request()  # the package's before_request puts its storage on flask.g
            return flask.g.oidc_provider_mock_storage

    def rotate_key(self) -> None:
        """Sign with a new key from now on; the old one disappears from the JWKS."""
        from authlib.jose import RSAKey as AuthlibRSAKey  # the key type the package signs with

        self._storage().jwk = AuthlibRSAKey.generate_key(is_private=True)

    def private_jwk(self) -> dict:
        return self._storage().jwk.as_dict(is_private=True)

    def sign(self, claims: dict, *, kid: str | None = None, key: dict | None = None) -> str:
        """An ID token signed with the provider's current key (or `key`), with the claims given."""
        signing_key = RSAKey.import_key(key or self.private_jwk())
        header = {"alg": "RS256", **({"kid": kid} if kid else {})}
        return jwt.encode(header, claims, signing_key)

    # --- the interceptor ------------------------------------------------------------------------

    def _intercept(self, environ, start_response):
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if self.fail_with is not None:
            start_response(f"{self.fail_with} Unavailable", [("Content-Type", "text/plain")])
            return [b"provider down"]
        if path == "/jwks":
            self.jwks_requests += 1
        if path != "/oauth2/token" or method != "POST":
            return self.app(environ, start_response)
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return lambda data: None

        body = b"".join(self.app(environ, capture))
        try:
            token = json.loads(body)
        except ValueError:
            token = None
        if isinstance(token, dict) and "id_token" in token:
            if self.rewrite_id_token is not None:
                token["id_token"] = self.rewrite_id_token(token["id_token"])
                body = json.dumps(token).encode()
            self.token_responses.append(token)
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]


def claims_of(id_token: str) -> dict:
    """The payload of a JWT, unverified (to build a forged variant of a real one)."""
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def with_payload(id_token: str, **changes: object) -> str:
    """The same token with its payload changed and the original signature kept (a forgery)."""
    header, _payload, signature = id_token.split(".")
    payload = base64.urlsafe_b64encode(json.dumps({**claims_of(id_token), **changes}).encode()).rstrip(b"=")
    return f"{header}.{payload.decode()}.{signature}"
