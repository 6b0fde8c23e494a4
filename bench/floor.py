"""The benchmarks' floors: bare Flask apps that render templates from memory, with no database.

`/` renders a static template: `bench/http.py` serves it with the same gunicorn setup as the
product and reports every page's throughput as a fraction of it. `/posts` renders 50 posts
(about 47 KB of HTML) held in memory, each with a title, an author, a date, a score and its
sanitized body: `bench/pages.py` reports every page's CPU time per request as a multiple of
it, which is what a thread page would cost if the database, the session and the permission
checks were free. Not part of the product.
"""

import os
import random

from flask import Flask, render_template

POSTS = 50
BODY_PARAGRAPHS = (
    "Open the app, go to Settings, then Devices, and pick the thermostat. Turn off the breaker for "
    "thirty seconds and turn it back on.",
    "Set the 2.4 GHz channel to 1, 6 or 11 and disable band steering; the hub only speaks 2.4 GHz.",
    "Remove the plug from the app, hold the button for ten seconds, and add it again. After that it "
    "has been stable for weeks.",
    "Move the hub at least a metre away from the router, and update the hub before the sensors: the "
    "order matters.",
)


def _posts() -> list[dict]:
    """Fifty deterministic posts whose rendered page is about 47 KB (the size bench/pages.py reports)."""
    rng = random.Random(50)
    posts = []
    for i in range(1, POSTS + 1):
        paragraphs = [rng.choice(BODY_PARAGRAPHS) for _ in range(5 if i % 5 else 4)]
        body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
        posts.append({"id": i, "author": f"member{rng.randint(1, 2500)}", "reputation": rng.randint(1, 4000),
                      "score": rng.randint(-2, 40), "created": f"2026-10-{1 + i % 28:02d} 14:{i:02d}",
                      "body_html": body, "accepted": i == 3})
    return posts


app = Flask(__name__, template_folder=os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates"))
app.config["POSTS"] = _posts()


@app.get("/")
def floor():
    return render_template("floor.html")


@app.get("/posts")
def posts():
    return render_template("floor_posts.html", title="A thread of fifty posts", posts=app.config["POSTS"])
