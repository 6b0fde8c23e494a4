"""Customer care: response targets per product, what counts as a first response, automatic
escalation, update cadence and routing (issue 16).

- `hours`: business-hours arithmetic (pure).
- `targets`: the product settings (validation, reading them as `CareTargets`).
- `first_response`: the one definition of "first response" and "solved", in SQL and in Python;
  other features (insights, CSAT, the API) call it rather than re-deriving it.
- `status`: what the thread page and the question lists show about the wait.
- `run`: the care run (`flask care run`, Celery beat every 5 minutes).
- `overdue`: questions past their first-response target, announced once (`question.response_overdue`).
- `cadence`: cases whose customer is due an update.
- `routing`: new cases to the least busy agent of the product.
- `offers`: waiting questions offered to the members best placed to answer ("Questions for you").
"""


def init_app(app) -> None:
    """Register what the care features add to others: the "Questions for you" digest section."""
    from forum.services.care import offers

    offers.register_digest_section()
