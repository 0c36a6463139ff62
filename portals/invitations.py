"""A federation invites an SME's representative to complete the request it prefilled.

The invitation finds the person by e-mail or creates an inactive account, makes them a
representative of the enterprise, and, after commit, e-mails them a one-time link to
choose their password (Django's password-reset tokens: the link dies once used).
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import User
from dossiers.models import FundingRequest


def invite_representative(
    *,
    funding_request: FundingRequest,
    email: str,
    invited_by: User,
    base_url: str,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Link the person with ``email`` to the request's enterprise and e-mail them."""
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).first()
        if user is not None and (not user.is_sme_representative or user.is_staff):
            raise ValidationError(
                _("Cette adresse est celle d'un compte de fédération ou de financeur."),
                code="not_an_sme_account",
            )
        if user is not None and user.deactivated_at is not None:
            raise ValidationError(
                _("Ce compte a été désactivé : seul un administrateur peut le réactiver."),
                code="account_deactivated",
            )
        if user is None:
            user = User(
                username=email,
                email=email,
                first_name=first_name,
                last_name=last_name,
                role=User.Role.SME_REPRESENTATIVE,
                is_active=False,
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
            user.set_unusable_password()
            user.save()
        funding_request.enterprise.representatives.add(user)
        from portals.tasks import send_invitation

        send_invitation.delay_on_commit(user.pk, funding_request.pk, invited_by.pk, base_url)
    return user


def send_invitation(user_id: int, request_id: int, inviter_id: int, base_url: str) -> int:
    user = User.objects.filter(pk=user_id).first()
    funding_request = (
        FundingRequest.objects.select_related("campaign__federation", "enterprise")
        .filter(pk=request_id)
        .first()
    )
    inviter = User.objects.filter(pk=inviter_id).first()
    if user is None or funding_request is None or not user.email:
        return 0
    base_url = base_url.rstrip("/")
    link = ""
    if user.deactivated_at is None and (not user.is_active or not user.has_usable_password()):
        path = reverse(
            "portals:invitation_accept",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        link = base_url + path
    context = {
        "inviter": (inviter.get_full_name() or inviter.username) if inviter else "",
        "federation": funding_request.campaign.federation.name,
        "enterprise": funding_request.enterprise.name,
        "campaign": funding_request.campaign.name,
        "link": link,
        "username": user.username,
        "login_link": base_url + reverse("portals:login"),
    }
    with translation.override(user.language):
        subject = render_to_string("portals/emails/invitation_subject.txt", context).strip()
        body = render_to_string("portals/emails/invitation.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
