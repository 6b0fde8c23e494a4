"""Reputation pages: privileges, badges, leaderboards, and the admin's thresholds."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forum import auth
from forum.forms import ActionForm
from forum.policy import Permission, holds_privilege, require
from forum.services import badges, queries, reputation, settings
from forum.transaction import unit_of_work
from reputation.badges import BADGES
from reputation.privileges import DEFAULT_THRESHOLDS, RULES, Privilege

bp = Blueprint("reputation", __name__)


@bp.get("/help/privileges")
def privileges():
    thresholds = settings.privilege_thresholds()
    user = auth.current()
    rows = [(rule, thresholds[rule.privilege], holds_privilege(user, rule.privilege)) for rule in RULES]
    return render_template("reputation/privileges.html", rows=rows, user=user)


@bp.get("/badges")
def badge_list():
    return render_template("reputation/badges.html", badges=BADGES, counts=badges.award_counts())


@bp.get("/leaderboard")
def leaderboard():
    period = request.args.get("period", "week")
    product = request.args.get("product") or None
    if period not in reputation.PERIODS:
        abort(400, description="period must be week, month or all.")
    rows = reputation.leaderboard(period, product=product)
    return render_template("reputation/leaderboard.html", rows=rows, period=period, product=product,
                           products=queries.products())


@bp.route("/admin/settings", methods=["GET", "POST"])
@auth.login_required
def admin_settings():
    require(auth.current(), Permission.ADMIN_SETTINGS)
    overrides, new_community = settings.reputation_settings()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        overrides = {}
        for privilege in Privilege:
            raw = request.form.get(privilege.value, "").strip()
            if not raw.isdigit() or not 1 <= int(raw) <= 1_000_000:
                errors[privilege.value] = _("Use a whole number from 1 to 1,000,000.")
            elif int(raw) != DEFAULT_THRESHOLDS[privilege]:
                overrides[privilege.value] = int(raw)
        new_community = request.form.get("new_community") == "on"
        if not errors:
            with unit_of_work():
                settings.set_reputation_settings(overrides, new_community)
            flash(_("Reputation settings saved."), "success")
            return redirect(url_for("reputation.admin_settings"))
    values = {p.value: request.form.get(p.value) if errors else overrides.get(p.value, DEFAULT_THRESHOLDS[p])
              for p in Privilege}
    return render_template("reputation/admin_settings.html", rules=RULES, values=values, errors=errors,
                           new_community=new_community, effective=settings.privilege_thresholds()), (
        422 if errors else 200)
