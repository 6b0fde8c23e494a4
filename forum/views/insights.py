"""The community health console (/mod/insights) for moderators, agents and admins, and its CSV export.

Like the rest of /mod, visitors get a 403 page rather than the sign-in form.

Every number comes from `forum.services.insights.report`; this module only formats it.
"""

import csv
import io
from datetime import timedelta

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from forum import auth, charts, times
from forum.extensions import db
from forum.models import Product
from forum.policy import Permission, require
from forum.services import insights
from forum.services.errors import ServiceError

bp = Blueprint("insights", __name__)

CHART_UNITS = {"seconds": "hours", "share": "%", "count": "count", "rating": "1–5"}


def chart_value(unit: str, value: float | None) -> float | None:
    """What a chart plots: hours for durations, percent for shares."""
    if value is None:
        return None
    if unit == "seconds":
        return round(value / 3600, 2)
    if unit == "share":
        return round(value * 100, 1)
    return round(value, 2)


def show(unit: str, value: float | int | None) -> str:
    """A figure as people read it: “4 h 12 min”, “37.5%”, “3.5”, “120”; “–” when there is nothing to measure."""
    if value is None:
        return "–"
    if unit == "seconds":
        minutes = round(value / 60)
        if minutes < 60:
            return ngettext("%(num)d min", "%(num)d min", minutes)
        hours, minutes = divmod(minutes, 60)
        if hours < 48:
            return _("%(larger)s %(smaller)s", larger=ngettext("%(num)d h", "%(num)d h", hours),
                     smaller=ngettext("%(num)d min", "%(num)d min", minutes))
        return _("%(num)s days", num=format_decimal(round(hours / 24, 1), format="0.0"))
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "rating":
        return f"{value:.2f}"
    return f"{value:,}"


def _scope() -> insights.Scope:
    return insights.scope_from(request.args)


def _week_labels(scope: insights.Scope) -> list[str]:
    """"03 Nov": each week's first day, in the reader's language (as the trend tables show it)."""
    return [times.formatted(day, "week") for day in scope.week_starts()]


@bp.get("/mod/insights")
def console():
    require(auth.current(), Permission.INSIGHTS_VIEW)
    products = db.session.scalars(select(Product).order_by(Product.name)).all()
    try:
        scope = _scope()
    except ServiceError as exc:
        return render_template("insights/console.html", error=exc, report=None, products=products,
                               args=request.args), exc.status
    report = insights.report(scope)
    labels = _week_labels(scope)
    chart_urls = {fig.key: charts.data_url(fig.label, labels, [chart_value(fig.unit, v) for v in fig.weekly],
                                           CHART_UNITS[fig.unit])
                  for section in report.sections for fig in section.figures if fig.weekly}
    return render_template("insights/console.html", error=None, report=report, scope=scope, labels=labels,
                           week_starts=scope.week_starts(),
                           chart_urls=chart_urls, show=show, products=products, args=request.args,
                           last_day=(scope.end - timedelta(days=1)).date(),
                           rollup_days=current_app.config["INSIGHTS_ROLLUP_DAYS"])


def csv_rows(report: insights.Report, section_key: str | None = None) -> list[list]:
    """The rows of the CSV export: one per figure, raw numbers (seconds, shares 0–1), one column per week;
    then the content gaps, one row per search term (its label) with how often it found nothing."""
    scope = report.scope
    header = ["section", "figure", "label", "unit", "value", "previous"]
    header += [f"week_of_{day.isoformat()}" for day in scope.week_starts()]
    rows = [header]
    for section in report.sections:
        if section_key and section.key != section_key:
            continue
        for fig in section.figures:
            weekly = fig.weekly or [None] * scope.weeks
            rows.append([section.key, fig.key, fig.label, fig.unit, _raw(fig.value), _raw(fig.previous),
                         *(_raw(v) for v in weekly)])
        for term, count in section.extra.get("gaps", []):
            rows.append([section.key, "search_without_results", term, "count", str(count), ""])
    return rows


def _raw(value: float | int | None) -> str:
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


@bp.get("/mod/insights.csv")
def export_csv():
    require(auth.current(), Permission.INSIGHTS_VIEW)
    section = request.args.get("section") or None
    if section is not None and section not in {fn.__name__ for fn in insights.SECTIONS}:
        return Response("Unknown section.\n", status=400, mimetype="text/plain")
    try:
        report = insights.report(_scope())
    except ServiceError as exc:
        return Response(exc.message + "\n", status=exc.status, mimetype="text/plain")
    out = io.StringIO()
    csv.writer(out).writerows(csv_rows(report, section))
    name = f"insights-{section or 'all'}-{report.scope.start:%Y%m%d}-{report.scope.end:%Y%m%d}.csv"
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
