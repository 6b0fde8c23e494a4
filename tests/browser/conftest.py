"""A real gunicorn serving the app on 127.0.0.1 and Debian's Chromium driven by Playwright.

Chromium is an optional tool locally (tests skip naming it); CI installs it. No browser is
ever downloaded: Playwright launches the binary found on PATH.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# CI runs the SQLite and PostgreSQL suites side by side; each keeps its screenshots apart (.ci/run).
ARTIFACTS = Path(os.environ.get("PEERCARE_ARTIFACTS", ROOT / "test-artifacts"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("PEERCARE_REQUIRE_BROWSER"):
    raise RuntimeError("CI requires Chromium for the browser tests, and it is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server_env(live_server):
    """The environment the served app runs with (for CLI commands against its database)."""
    return _LIVE_ENV


_LIVE_ENV: dict[str, str] = {}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, oidc_provider):
    """Migrate a fresh database, add the demo products, and serve it with gunicorn (one per session).

    The server signs members in with the suite's OpenID provider too ("Sign in with Northwind ID"),
    configured the way an operator does: SSO_* environment variables.
    """
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); CI installs it")
    _LIVE_ENV.clear()
    yield from serve(tmp_path_factory.mktemp("live"), oidc_provider, _LIVE_ENV, "live")


def serve(workdir: Path, oidc_provider, env_out: dict[str, str], name: str):
    """Serve a fresh forum from `workdir` (database `name` on PostgreSQL) until the generator is
    closed: yields its base URL and fills `env_out` with the environment its CLI commands need.

    A test that must see pages holding only what it wrote (test_pseudo_locale.py) starts a server
    of its own with this; every other browser test shares the session's `live_server`.
    """
    env = {**os.environ, "FLASK_APP": "wsgi.py", "SECRET_KEY": "browser-test-secret",
           "FORUM_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "FORUM_SEARCH_INDEX_DIR": json.dumps(str(workdir)),
           "SSO_PROVIDERS": "company", "SSO_COMPANY_ISSUER": oidc_provider.issuer,
           "SSO_COMPANY_CLIENT_ID": "peercare-browser", "SSO_COMPANY_CLIENT_SECRET": "browser-client-secret",
           "SSO_COMPANY_LABEL": "Northwind ID"}
    # The served app gets a database of its own and runs its background work in-process: the
    # suite's worker (services mode) belongs to the suite's database.
    env.pop("CELERY_BROKER_URL", None)
    env["DATABASE_URL"] = _own_database(workdir, name)
    # The journeys register and sign in many members from 127.0.0.1 within minutes, past the
    # per-IP sign-up/sign-in limits; those limits have their own integration tests.
    env["FORUM_RATELIMIT_ENABLED"] = "false"
    # Mail is written as .eml files (no SMTP server) where the journeys can read it, and
    # background work (mail, indexing) is swept every second instead of every 30 s.
    env["MAIL_FOLDER"] = str(workdir / "mail")
    env["FORUM_OUTBOX_SWEEP_SECONDS"] = "1"
    # A `lang=en_001` cookie reads pages in the pseudo-locale (test_pseudo_locale.py builds it).
    env["FORUM_I18N_PSEUDO_LOCALE"] = "true"
    env_out.update(env)
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "flask"), "db", "upgrade", "heads"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([str(bin_dir / "python"), "-c", f"TAGS = {TAGS!r}\n" + _PRODUCTS], cwd=ROOT, env=env, check=True)
    port = _free_port()
    env["FORUM_SITE_URL"] = f"http://127.0.0.1:{port}"  # links in mail lead back to this server
    env_out.update(env)
    log = workdir / "gunicorn.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [str(bin_dir / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log_file)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):  # up to a minute: a loaded machine starts gunicorn slowly
        try:
            urllib.request.urlopen(base + "/healthz/ready", timeout=1)  # noqa: S310 - our own local server
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.terminate()
        raise RuntimeError("gunicorn did not start: " + log.read_text())
    yield base
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:  # a loaded machine can take longer to finish gunicorn's graceful stop
        server.kill()
        server.wait(timeout=10)
    _drop_own_database(name)


_LIVE_DB = "peercare_{name}_{pid}"


def _admin_engine():
    from sqlalchemy import create_engine

    from forum.config import database_url

    return create_engine(database_url("").rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")


def _own_database(workdir: Path, name: str) -> str:
    """SQLite beside the test's files, or a fresh PostgreSQL database when the suite runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{workdir}/{name}.sqlite3"
    from sqlalchemy import text

    from forum.config import database_url

    database = _LIVE_DB.format(name=name, pid=os.getpid())
    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {database}"))
    engine.dispose()
    return database_url("").rsplit("/", 1)[0] + "/" + database


def _drop_own_database(name: str) -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    from sqlalchemy import text

    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {_LIVE_DB.format(name=name, pid=os.getpid())} WITH (FORCE)"))
    engine.dispose()


_PRODUCTS = """
from forum import create_app
from forum.extensions import db
from forum.models import Product, Tag
app = create_app()
with app.app_context():
    db.session.add(Product(slug="thermostat", name="Northwind Thermostat", description="The smart thermostat."))
    db.session.add(Product(slug="mesh-router", name="Northwind Mesh Wi-Fi", description="Whole-home Wi-Fi."))
    # New members choose from the tags an admin set up (creating one needs reputation).
    for name in TAGS:
        db.session.add(Tag(name=name))
    db.session.commit()
"""
TAGS = ("chime", "display", "evening", "firmware", "heating", "holiday", "humidity", "network", "offline", "power",
        "privacy", "satellite", "schedule", "security", "wifi")


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser):
    """A factory of fresh pages, each with its own cookie jar (one per member)."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
