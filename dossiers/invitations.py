"""A federation invites an SME's representative to complete the request it prefilled.

``invite`` finds the person by e-mail or creates an inactive account, makes them a
representative of the enterprise and records the invitation; a job then e-mails them a
one-time link to choose their password (Django's password-reset tokens: the link dies once
used). The e-mail goes through ``workers.delivery``, keyed on the invitation: a job run
twice sends it once, and a broker outage delays it without losing it.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import User
from dossiers.models import FundingRequest, Invitation
from workers.delivery import deliver
from workers.jobs import enqueue_job
from workers.models import Job


def invite(
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
        invitation = Invitation.objects.create(
            request=funding_request, person=user, invited_by=invited_by, base_url=base_url
        )
        enqueue_job(Job.Kind.SEND_INVITATION, invitation, created_by=invited_by)
    return user


def send_invitation(invitation_id: int, *, job: Job | None = None) -> int:
    """E-mail one invitation (the job's target) once; returns 1 if sent now."""
    invitation = (
        Invitation.objects.select_related(
            "person", "invited_by", "request__campaign__federation", "request__enterprise"
        )
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return 0
    user, funding_request, inviter = invitation.person, invitation.request, invitation.invited_by
    base_url = invitation.base_url.rstrip("/")
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
    return deliver(
        key=f"invitation:{invitation.pk}", recipient=user, subject=subject, body=body, job=job
    )
