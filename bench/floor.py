"""The benchmark's floor: a bare Flask app whose one route renders a static template.

`bench/http.py` serves it with the same gunicorn setup as the product and reports every
page's throughput as a fraction of this one. Not part of the product.
"""

import os

from flask import Flask, render_template

app = Flask(__name__, template_folder=os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates"))


@app.get("/")
def floor():
    return render_template("floor.html")
