"""The member's privacy page: download all their data, delete their account."""

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import Length

from forum import auth, sso
from forum.forms import ActionForm, apply_errors
from forum.services import privacy
from forum.services import sso as sso_accounts
from forum.services.errors import ValidationFailed
from forum.transaction import unit_of_work
from forum.views.sso import recently_authenticated

bp = Blueprint("privacy", __name__)


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[Length(max=200)])
    confirmation = StringField(_l("Type DELETE to confirm"), validators=[Length(max=20)])


def _page(form: DeleteAccountForm, status: int = 200):
    user = auth.current()
    linked = {i.provider for i in sso_accounts.identities(user.id)}
    return render_template("users/privacy.html", form=form, needs_password=user.has_password,
                           reauthenticated=recently_authenticated(), provider_form=ActionForm(),
                           providers=[p for p in sso.providers() if p.key in linked]), status


@bp.get("/settings/privacy")
@auth.login_required
def page():
    return _page(DeleteAccountForm())


@bp.get("/settings/privacy/export.json")
@auth.login_required
def export():
    user = auth.current()
    body = json.dumps(privacy.export(user), indent=2, ensure_ascii=False)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="peercare-{user.id}-export.json"',
        "Cache-Control": "no-store"})


@bp.post("/settings/privacy/delete")
@auth.login_required
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                privacy.delete_account(auth.current(), password=form.password.data,
                                       confirmation=form.confirmation.data, reauthenticated=recently_authenticated())
        except ValidationFailed as exc:
            apply_errors(form, exc.fields or {"confirmation": exc.message})
        else:
            auth.sign_out()
            flash(_("Your account is deleted and your personal data erased. Your posts remain as a former member's."),
                  "info")
            return redirect(url_for("questions.index"))
    return _page(form, 422)
