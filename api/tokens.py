"""Issuing, checking and revoking API tokens: the functions the admin, the portal and the
authentication class share.

A token reads ``grp_<prefix>_<secret>``: the prefix (8 characters) finds the row, the
secret (32 random bytes) proves possession. Only SHA-256 of the whole token is stored —
a high-entropy secret needs no slow hash — and it is compared in constant time.
"""

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Organisation, User
from api.models import ApiToken, Scope

TOKEN_PREFIX = "grp_"  # noqa: S105 (a public marker, not a secret)
PREFIX_LENGTH = 8
# Writing last_used_at on every call would turn each GET into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_prefix() -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(PREFIX_LENGTH))


def _service_role(organisation: Organisation) -> str:
    if organisation.is_federation:
        return User.Role.FEDERATION_OFFICER
    return User.Role.FUNDER_OFFICER


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    wanted = set(scopes)
    unknown = wanted - set(Scope.values)
    if unknown:
        raise ValueError(f"Unknown token scopes: {sorted(unknown)}")
    if Scope.WRITE in wanted:
        wanted.add(Scope.READ)  # writing without reading back makes no sense
    if not wanted:
        raise ValueError("A token needs at least one scope.")
    return [s for s in Scope.values if s in wanted]


def foreign_campaigns(organisation: Organisation, campaigns: Iterable) -> list:
    """The campaigns among ``campaigns`` that ``organisation`` has nothing to do with."""
    if organisation.is_federation:
        return [c for c in campaigns if c.federation_id != organisation.pk]
    return [c for c in campaigns if not c.funders.filter(pk=organisation.pk).exists()]


def prepare_token(token: ApiToken, *, created_by=None) -> str:
    """Fill an unsaved token's prefix, digest and service user; returns the secret to show.

    Call inside a transaction and save the token afterwards (the admin's add form does).
    """
    if token.pk is not None:
        raise ValueError("A token's secret is only set when it is created.")
    token.scopes = _clean_scopes(token.scopes)
    organisation = token.organisation
    prefix = _new_prefix()
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = _new_prefix()
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    user = User(
        username=f"api.{slugify(organisation.name)[:100]}.{prefix}",
        first_name="API",
        last_name=f"« {token.name} »"[:150],
        organisation=organisation,
        role=_service_role(organisation),
        # Never logs in: no password, inactive. It only names the token in the history.
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    token.prefix = prefix
    token.secret_sha256 = digest(raw)
    token.service_user = user
    token.created_by = created_by
    return raw


def issue_token(
    *,
    organisation: Organisation,
    name: str,
    scopes: Iterable[str],
    campaigns: Iterable = (),
    expires_at=None,
    created_by=None,
) -> tuple[ApiToken, str]:
    """Create a token; the returned secret is shown once and never stored."""
    with transaction.atomic():
        token = ApiToken(
            organisation=organisation, name=name, scopes=list(scopes), expires_at=expires_at
        )
        raw = prepare_token(token, created_by=created_by)
        token.save()
        campaigns = list(campaigns)
        if foreign_campaigns(organisation, campaigns):
            raise ValueError("A token can only be restricted to its organisation's campaigns.")
        if campaigns:
            token.campaigns.set(campaigns)
    return token, raw


def revoke_token(token: ApiToken, *, by=None) -> bool:
    """Revoke ``token`` at once; False if it already was. Its history rows stay."""
    done = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    token.refresh_from_db(fields=["revoked_at", "revoked_by"])
    return done == 1


def find_token(raw: str) -> ApiToken | None:
    """The usable token ``raw`` proves, or None (unknown, wrong secret, expired, revoked)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix = raw[len(TOKEN_PREFIX) :].split("_", 1)[0]
    if len(prefix) != PREFIX_LENGTH:
        return None
    token = (
        ApiToken.objects.select_related("organisation", "service_user__organisation")
        .filter(prefix=prefix)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_sha256, digest(raw)):
        return None
    if not token.is_usable():
        return None
    return token


def touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
