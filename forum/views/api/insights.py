"""GET /api/v1/insights: the health console's figures as JSON, for staff tokens only."""

from datetime import date, timedelta
from functools import partial

from forum.models import utcnow
from forum.parse import FIRST_YEAR, LAST_YEAR
from forum.policy import Permission, require
from forum.services import insights
from forum.views.api import actor, bp
from forum.views.api import schemas as s
from forum.views.api.operations import operation

api = partial(operation, bp)


def _figure(fig: insights.Figure, scope: insights.Scope) -> dict:
    return {"key": fig.key, "label": fig.label, "unit": fig.unit, "value": fig.value, "previous": fig.previous,
            "definition": fig.definition,
            "weekly": [{"week_start": day.isoformat(), "value": value}
                       for day, value in zip(scope.week_starts(), fig.weekly, strict=False)]}


def _dates(query: s.InsightsQuery) -> dict:
    """Any two dates name a period (the response's `scope` says which): in either order, `to`
    alone ends a `period`-day window, a span longer than the console's longest keeps its last
    days, and dates outside the years the site can hold count as the nearest it can. The web
    form explains these cases instead; a client gets the figures."""
    if query.from_ is None and query.to is None:
        return {}
    lowest, highest = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
    last = min(max(query.to or utcnow().date(), lowest), highest)
    first = min(max(query.from_, lowest), highest) if query.from_ else last - timedelta(days=int(query.period) - 1)
    first, last = min(first, last), max(first, last)
    first = max(first, last - timedelta(days=insights.MAX_DAYS - 1))
    return {"from": first.isoformat(), "to": last.isoformat()}


@api("GET", "/insights", summary="Moderators, agents, admins: the community health figures (the console's "
     "numbers) for a period, with the previous period and weekly values", tag="insights",
     query=s.InsightsQuery, response=s.InsightsOut, permission=Permission.INSIGHTS_VIEW)
def insights_report(query: s.InsightsQuery):
    require(actor(), Permission.INSIGHTS_VIEW)
    args = {"period": query.period, "product": query.product, "tag": query.tag, **_dates(query)}
    scope = insights.scope_from(args)
    report = insights.report(scope)
    previous = scope.previous()
    return {"scope": {"from": scope.start.date().isoformat(), "to": scope.end.date().isoformat(),
                      "to_exclusive": True, "product": scope.product, "tag": scope.tag,
                      "previous": {"from": previous.start.date().isoformat(), "to": previous.end.date().isoformat()}},
            "sections": [{"key": sec.key, "title": sec.title, "figures": [_figure(f, scope) for f in sec.figures],
                          **({"distribution": {str(k): v for k, v in sec.extra["distribution"].items()}}
                             if "distribution" in sec.extra else {}),
                          **({"gaps": [{"term": term, "searches": n} for term, n in sec.extra["gaps"]]}
                             if "gaps" in sec.extra else {})}
                         for sec in report.sections]}
