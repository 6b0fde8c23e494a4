"""The site admin's identity and registration settings: checked, stored and audit-logged."""

import re
from urllib.parse import urlsplit

from flask_babel import gettext as _

from forum.markup import is_image_url
from forum.policy import Permission, require
from forum.services import settings
from forum.services.errors import ValidationFailed
from forum.services.settings import DIGEST_CHOICES, RegistrationOptions, SiteIdentity

NAME_MAX, LOGO_URL_MAX, FROM_NAME_MAX = 60, 500, 60
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _audit(action: str, actor, before: dict, after: dict) -> None:
    from moderation import audit

    if before != after:
        audit.log(action, actor, target=f"settings:{action.split('.')[1]}", before=before, after=after)


def update_identity(actor, *, name: str, logo_url: str) -> SiteIdentity:
    """Set the site's name and logo. The logo is an https image address (uploads are not accepted), or none."""
    require(actor, Permission.ADMIN_SETTINGS)
    name, logo_url = " ".join((name or "").split()), (logo_url or "").strip()
    errors = {}
    if not 2 <= len(name) <= NAME_MAX:
        errors["name"] = _("The site name is 2–%(name_max)s characters.", name_max=NAME_MAX)
    if logo_url and not (len(logo_url) <= LOGO_URL_MAX and is_image_url(logo_url)
                         and urlsplit(logo_url).hostname and not re.search(r"\s", logo_url)):
        errors["logo_url"] = ("Give the logo as an https:// address of an image (uploads are not accepted), "
                              "or leave it empty.")
    if errors:
        raise ValidationFailed(_("Please correct the site settings."), fields=errors)
    before = settings.site_identity()
    identity = SiteIdentity(name=name, logo_url=logo_url)
    settings.store_site_identity(identity)
    _audit("settings.site", actor, vars(before), vars(identity))
    return identity


def _domains(raw: str, errors: dict[str, str]) -> tuple[str, ...]:
    domains: list[str] = []
    for domain in re.split(r"[\s,]+", (raw or "").strip().lower()):
        domain = domain.lstrip("@")
        if not domain or domain in domains:
            continue
        if not DOMAIN.match(domain):
            errors["allowed_domains"] = _("“%(domain)s” is not a domain: write them like example.com, one per line.",
                                          domain=domain[:60])
            break
        domains.append(domain)
    return tuple(domains[:50])


def update_registration(actor, *, open_registration: bool, allowed_domains: str, require_email_confirmation: bool,
                        digest_default: str, mail_from_name: str) -> RegistrationOptions:
    """Set who may sign up and how, what digest new members start with, and the From name of mail."""
    require(actor, Permission.ADMIN_SETTINGS)
    errors: dict[str, str] = {}
    domains = _domains(allowed_domains, errors)
    if digest_default not in DIGEST_CHOICES:
        errors["digest_default"] = _("Choose off, daily or weekly.")
    from_name = " ".join((mail_from_name or "").split())
    if len(from_name) > FROM_NAME_MAX or any(ch in from_name for ch in "<>\"@"):
        errors["mail_from_name"] = _('A name of at most %(from_name_max)s characters, without < > " or @.',
                                     from_name_max=FROM_NAME_MAX)
    if errors:
        raise ValidationFailed(_("Please correct the registration and email options."), fields=errors)
    before = settings.registration_options()
    options = RegistrationOptions(open=open_registration, allowed_domains=domains,
                                  require_email_confirmation=require_email_confirmation,
                                  digest_default=digest_default, mail_from_name=from_name)
    settings.store_registration_options(options)
    _audit("settings.registration", actor, {**vars(before), "allowed_domains": list(before.allowed_domains)},
           {**vars(options), "allowed_domains": list(domains)})
    return options
