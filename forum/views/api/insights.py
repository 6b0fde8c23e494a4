"""GET /api/v1/insights: the health console's figures as JSON, for staff tokens only."""

from flask import request

from forum.policy import Permission, require
from forum.services import insights
from forum.views.api import actor, bp


def _figure(fig: insights.Figure, scope: insights.Scope) -> dict:
    return {"key": fig.key, "label": fig.label, "unit": fig.unit, "value": fig.value, "previous": fig.previous,
            "definition": fig.definition,
            "weekly": [{"week_start": day.isoformat(), "value": value}
                       for day, value in zip(scope.week_starts(), fig.weekly, strict=False)]}


@bp.get("/insights")
def insights_report():
    require(actor(), Permission.INSIGHTS_VIEW)
    scope = insights.scope_from(request.args)
    report = insights.report(scope)
    previous = scope.previous()
    return {"scope": {"from": scope.start.date().isoformat(), "to": scope.end.date().isoformat(),
                      "to_exclusive": True, "product": scope.product, "tag": scope.tag,
                      "previous": {"from": previous.start.date().isoformat(), "to": previous.end.date().isoformat()}},
            "sections": [{"key": s.key, "title": s.title, "figures": [_figure(f, scope) for f in s.figures],
                          **({"distribution": {str(k): v for k, v in s.extra["distribution"].items()}}
                             if "distribution" in s.extra else {}),
                          **({"gaps": [{"term": term, "searches": n} for term, n in s.extra["gaps"]]}
                             if "gaps" in s.extra else {})}
                         for s in report.sections]}
