"""Weekly trend charts as SVG images, drawn by pygal (no JavaScript, no chart geometry of our own).

pygal draws a complete SVG document; its styles sit in a <style> element inside it, which the
site's Content-Security-Policy (style-src 'self') would refuse inline. So a chart is embedded as
an <img> with a data: URL (img-src allows data:), its `alt` text summarises it, and the page
puts the same numbers in a table beside it for screen readers. Rendering is cached per
figure and values: the console redraws only what changed.
"""

import base64
import sys
from functools import lru_cache

import pygal
from pygal.style import Style

# pygal appends a legacy import hook to sys.meta_path for its map plugins (pygal.maps.*), which we
# don't use; it only has the pre-3.4 find_module API, so every later import warns about it.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "PluginImportFixer"]

STYLE = Style(background="#ffffff", plot_background="#ffffff", foreground="#1f2328", foreground_strong="#1f2328",
              foreground_subtle="#d1d9e0", colors=("#0a58ca", "#8a8f98"), font_family="system-ui, sans-serif",
              label_font_size=11, major_label_font_size=11, title_font_size=13)


@lru_cache(maxsize=512)
def _svg(title: str, labels: tuple[str, ...], values: tuple[float | None, ...], unit: str) -> str:
    chart = pygal.Line(js=[], style=STYLE, width=420, height=200, show_legend=False, dots_size=3,
                       disable_xml_declaration=True, show_y_guides=True, x_label_rotation=0,
                       allow_interruptions=True, margin=8, truncate_label=-1, include_x_axis=unit != "seconds",
                       value_formatter=lambda v: f"{v:g}", title=f"{title} ({unit})")
    chart.x_labels = list(labels)
    chart.add(title, list(values))
    return chart.render(is_unicode=True)


def data_url(title: str, labels: list[str], values: list[float | None], unit: str) -> str:
    """The chart as a data: URL for an <img src>."""
    svg = _svg(title, tuple(labels), tuple(values), unit)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
