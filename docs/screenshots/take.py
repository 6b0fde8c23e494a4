"""Take the issue-19 screenshots (problems 1, 2, 4, 9 and 10) from one checkout of PeerCare.

    .venv/bin/python docs/screenshots/take.py                      # "after": this checkout
    .venv/bin/python docs/screenshots/take.py --checkout DIR --label before

The checkout (its own `.venv` with requirements.txt installed) is served by gunicorn on a
fresh SQLite database with the demo community, in development mode with its rate limits on,
exactly as `make run` serves it; this venv's Playwright drives Debian's Chromium (headless, as
the browser tests do) at 1280×800 and 390×844. Each shot is the visible window, not the whole
page: where a message lands off-screen, the shot shows it missing. PNGs go through pngquant and
optipng when they are installed (a few tens of KB instead of a few hundred). The same steps run
against every checkout, so a "before" and an "after" shot show one action on two versions.
"""

import argparse
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
DEMO_PASSWORD = "peercare-demo"  # noqa: S105 - the demo community's published password
NEW_PASSWORD = "first-hour-newcomer-2026"  # noqa: S105 - a throwaway member of a throwaway database
QUESTION = {"title": "Thermostat shows offline after the router update",
            "body": "Since the router got its firmware update last night the thermostat says offline. "
                    "I restarted both twice and the schedule still runs, but the app can't reach it.",
            "tags": "wifi", "product": "thermostat"}
NEW_MEMBER = """
import sys
from forum import create_app
from forum.extensions import db
from forum.services import accounts
app = create_app()
with app.app_context():
    for name in sys.argv[2:]:
        accounts.register(name, name + "@example.com", sys.argv[1], email_confirmed=True)
    db.session.commit()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """The checkout, served on a fresh demo database until `stop`."""

    def __init__(self, checkout: Path, workdir: Path) -> None:
        self.checkout, self.db_path = checkout, workdir / "demo.sqlite3"
        bin_dir = checkout / ".venv" / "bin"
        self.env = {**os.environ, "FLASK_APP": "wsgi.py", "PEERCARE_ENV": "development", "LOG_FORMAT": "text",
                    "DATABASE_URL": f"sqlite:///{self.db_path}", "SEARCH_INDEX_DIR": str(workdir / "search"),
                    "MAIL_FOLDER": str(workdir / "mail"), "SECRET_KEY": "screenshots-only-secret-key-0123456789"}
        for name in ("CELERY_BROKER_URL", "RATELIMIT_STORAGE_URI"):
            self.env.pop(name, None)  # in-process background work and per-process limit counters
        if "i18n-compile:" in (checkout / "Makefile").read_text():
            subprocess.run(["make", "-s", "i18n-compile"], cwd=checkout, check=True, capture_output=True)
        for command in (["db", "upgrade", "heads"], ["seed-demo"]):
            subprocess.run([str(bin_dir / "flask"), *command], cwd=checkout, env=self.env, check=True,
                           capture_output=True)
        subprocess.run([str(bin_dir / "python"), "-c", NEW_MEMBER, NEW_PASSWORD, *(f"newcomer_{s}" for s in SIZES)],
                       cwd=checkout, env=self.env, check=True, capture_output=True)
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.env["FORUM_SITE_URL"] = self.base
        # One worker: the rate-limit counters live in its memory, as with `make run`.
        self.server = subprocess.Popen([str(bin_dir / "gunicorn"), "-w", "1", "--threads", "4", "-b",
                                        f"127.0.0.1:{port}", "wsgi:app"], cwd=checkout, env=self.env,
                                       stdout=subprocess.DEVNULL, stderr=(workdir / "gunicorn.log").open("w"))
        for _ in range(600):
            try:
                urllib.request.urlopen(self.base + "/", timeout=2)  # noqa: S310 - our own local server
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start: " + (workdir / "gunicorn.log").read_text()[-3000:])

    def query(self, sql: str, *args) -> list[tuple]:
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(sql, args).fetchall()

    def stop(self) -> None:
        self.server.terminate()
        try:
            self.server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.server.kill()


def busy_thread(site: Site, size: str = "desktop") -> tuple[int, str]:
    """The question with the most answers, and a demo member (15+ reputation) who took no part in it
    (another one per window size, so each size's first vote is a first vote)."""
    (question_id,), = site.query("SELECT question_id FROM answers GROUP BY question_id ORDER BY count(*) DESC, "
                                 "question_id LIMIT 1")
    voters = site.query(
        "SELECT username FROM users WHERE role = 'member' AND reputation >= 15 AND username NOT LIKE 'newcomer%' "
        "AND id NOT IN (SELECT author_id FROM questions WHERE id = ?) "
        "AND id NOT IN (SELECT author_id FROM answers WHERE question_id = ?) "
        "AND id NOT IN (SELECT user_id FROM votes WHERE question_id = ? OR answer_id IN "
        "(SELECT id FROM answers WHERE question_id = ?)) ORDER BY reputation, id LIMIT 2",
        question_id, question_id, question_id, question_id)
    return question_id, voters[list(SIZES).index(size)][0]


def sign_in(page, base: str, login: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base + "/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) button[type=submit]:visible").first.click()
    page.wait_for_load_state("networkidle")


def fill_question(page, **fields) -> None:
    values = {**QUESTION, **fields}
    for name in ("title", "tags"):
        page.fill(f"input[name={name}]", values[name])
    page.fill("textarea[name=body]", values["body"])
    page.select_option("select[name=product]", values["product"])


def post_question(page) -> None:
    page.locator("button.button--primary", has_text="Post your question").click()
    page.wait_for_load_state("networkidle")


class Camera:
    def __init__(self, out: Path, label: str) -> None:
        self.out, self.label, self.taken = out, label, []

    def shoot(self, page, name: str, size: str) -> None:
        page.wait_for_timeout(300)  # let focus moves and smooth scrolling settle
        path = self.out / f"{name}-{size}-{self.label}.png"
        page.screenshot(path=str(path))
        optimise(path)
        self.taken.append(path)


def optimise(path: Path) -> None:
    """Fewer colours (pngquant) and a smaller encoding (optipng), when those tools are installed."""
    if shutil.which("pngquant"):
        subprocess.run(["pngquant", "--force", "--skip-if-larger", "--strip", "--quality", "40-80", "--speed", "1",
                        "--output", str(path), "32", str(path)], check=False, capture_output=True)
    if shutil.which("optipng"):
        subprocess.run(["optipng", "-quiet", "-o5", "-strip", "all", str(path)], check=False, capture_output=True)


def problem_1(page, site: Site, camera: Camera, size: str) -> None:
    """A new member's too-short title, fixed and sent again; then a second question within minutes."""
    sign_in(page, site.base, f"newcomer_{size}", NEW_PASSWORD)
    page.goto(site.base + "/questions/ask")
    fill_question(page, title="Offline again")
    post_question(page)
    if page.locator("input[name=title]").count():
        page.fill("input[name=title]", QUESTION["title"])
        if not page.input_value("textarea[name=body]"):
            fill_question(page)
        post_question(page)
    camera.shoot(page, "1-fixed-title-sent-again", size)
    page.goto(site.base + "/questions/ask")
    fill_question(page, title="The thermostat schedule skips Sunday mornings",
                  body="Every Sunday the 7:00 heating step is skipped and the house stays cold until 9:00. "
                       "Weekdays are fine; the schedule in the app shows the Sunday step.", tags="schedule")
    post_question(page)
    camera.shoot(page, "1-second-question-within-minutes", size)


def problem_2(page, site: Site, camera: Camera, size: str) -> None:
    """An upvote on an answer far down a busy thread, then an answer that is too short."""
    question_id, voter = busy_thread(site, size)
    sign_in(page, site.base, voter)
    page.goto(f"{site.base}/questions/{question_id}")
    page.locator("article.post--answer button.vote--up").last.click()
    page.wait_for_load_state("networkidle")
    camera.shoot(page, "2-vote-on-an-answer", size)
    page.goto(f"{site.base}/questions/{question_id}")
    page.fill("#answer-body", "Same here.")
    page.locator("section.answer-form button[type=submit]:visible").last.click()
    page.wait_for_load_state("networkidle")
    camera.shoot(page, "2-too-short-answer", size)


def problem_4(page, site: Site, camera: Camera, size: str) -> None:
    """A member below 15 reputation on a thread: where are the vote arrows, and what does a click say?"""
    question_id, _voter = busy_thread(site)
    sign_in(page, site.base, f"newcomer_{size}", NEW_PASSWORD)
    page.goto(f"{site.base}/questions/{question_id}")
    first_answer = page.locator("article.post--answer").first
    up = first_answer.locator("button.vote--up, a.vote--up, .vote--up")
    if up.count():
        up.first.click()
        page.wait_for_load_state("networkidle")
    else:
        first_answer.scroll_into_view_if_needed()
    camera.shoot(page, "4-new-member-votes", size)


def problem_9(page, site: Site, camera: Camera, size: str) -> None:
    """The home page and a thread with the device in dark mode (prefers-color-scheme: dark)."""
    question_id, _voter = busy_thread(site)
    page.emulate_media(color_scheme="dark")
    page.goto(site.base + "/")
    camera.shoot(page, "9-dark-home", size)
    page.goto(f"{site.base}/questions/{question_id}")
    camera.shoot(page, "9-dark-question", size)


def problem_10(page, site: Site, camera: Camera, size: str) -> None:
    """The first screen of home and of a search, and the support agent's case list."""
    page.goto(site.base + "/")
    camera.shoot(page, "10-home", size)
    page.goto(site.base + "/search?q=wifi")
    camera.shoot(page, "10-search", size)
    sign_in(page, site.base, "sam_support")
    page.goto(site.base + "/cases")
    camera.shoot(page, "10-cases", size)


PROBLEMS = (problem_1, problem_2, problem_4, problem_9, problem_10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the PeerCare checkout to serve (with .venv)")
    parser.add_argument("--label", default="after", help="the file name's last part: after, before")
    parser.add_argument("--out", type=Path, default=HERE, help="where the PNGs go")
    parser.add_argument("--only", nargs="*", default=[], help="problem numbers to take (all by default)")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Chromium is not installed (apt-get install chromium)")
    args.out.mkdir(parents=True, exist_ok=True)
    camera = Camera(args.out, args.label)
    with tempfile.TemporaryDirectory(prefix="peercare-shots-") as tmp:
        site = Site(args.checkout.resolve(), Path(tmp))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--hide-scrollbars"])
                for problem in PROBLEMS:
                    if args.only and problem.__name__.removeprefix("problem_") not in args.only:
                        continue
                    for size, viewport in SIZES.items():
                        context = browser.new_context(viewport=viewport, is_mobile=size == "phone",
                                                      has_touch=size == "phone", locale="en-US")
                        context.set_default_timeout(60_000)
                        problem(context.new_page(), site, camera, size)
                        context.close()
                browser.close()
        finally:
            site.stop()
    for path in camera.taken:
        print(f"{path.relative_to(args.out)}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
