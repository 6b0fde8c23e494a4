"""WTForms: input shape and CSRF only.

Content forms carry no "required" rules of their own: the service validates every field at once,
so a member sees all messages together, the same ones the API returns.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.models import Language


def language_choices() -> list[tuple[str, str, dict]]:
    """The shipped languages, each under its own name (marked as written in it), for a language select."""
    return [(language.value, language.label, {"lang": language.value}) for language in Language]


class ActionForm(FlaskForm):
    """An empty form: a POST button that carries the CSRF token (vote, accept, delete, sign out)."""


class RegisterForm(FlaskForm):
    username = StringField(_l("Username"), validators=[Length(max=60)])
    email = StringField(_l("Email"), validators=[Length(max=254)])
    password = PasswordField(_l("Password"), validators=[Length(max=200)])


class LoginForm(FlaskForm):
    login = StringField(_l("Username or email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))


class ForgotPasswordForm(FlaskForm):
    email = StringField(_l("Your email address"), validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[Length(max=200)])


class AskForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=300)])
    body = TextAreaField(_l("Details"), validators=[])
    tags = StringField(_l("Tags"), validators=[Length(max=200)])
    # The service checks the product (unknown, or archived since the form was shown) and says why.
    product = SelectField(_l("Product"), validators=[], validate_choice=False)
    # The service checks the code (one set of messages with the API's); the view preselects the page's language.
    language = SelectField(_l("Language of the question"), choices=language_choices, validate_choice=False)


class EditQuestionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=300)])
    body = TextAreaField(_l("Details"), validators=[])
    tags = StringField(_l("Tags"), validators=[Length(max=200)])
    language = SelectField(_l("Language of the question"), choices=language_choices, validate_choice=False)
    comment = StringField(_l("Edit summary"), validators=[Optional(), Length(max=300)])


class AnswerForm(FlaskForm):
    body = TextAreaField(_l("Your answer"), validators=[])


class EditAnswerForm(FlaskForm):
    body = TextAreaField(_l("Answer"), validators=[])
    comment = StringField(_l("Edit summary"), validators=[Optional(), Length(max=300)])


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[Length(max=600)])


class EmailForm(FlaskForm):
    email = StringField(_l("New email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Current password"), validators=[DataRequired()])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=80)])
    about = TextAreaField(_l("About you"), validators=[Optional(), Length(max=2000)])


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)])
    scope = SelectField(_l("What it may do"), default="read-write", validate_choice=False)


def apply_errors(form: FlaskForm, fields: dict[str, str]) -> None:
    """Show a service's field messages on the form's fields (or as form-level errors)."""
    for name, message in fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            form.form_errors.append(message)
