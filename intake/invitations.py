"""Each SME linked by an import is e-mailed once to check and submit its draft.

Sent through ``workers.delivery``: the ``Notification`` row keyed by import and request
makes a job run twice (or an import confirmed twice) send each invitation once. The text
and the one-time link are the federation's usual invitation (``portals.invitations``).
"""

from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from intake.models import ImportedChange, MemberImport
from workers.delivery import tell


def invite_imported(member_import: MemberImport, *, job=None, progress=None) -> int:
    links = (
        ImportedChange.objects.filter(member_import=member_import, representative__isnull=False)
        .select_related("representative", "enterprise", "member_import__campaign__federation")
        .order_by("pk")
    )
    total, sent = links.count(), 0
    inviter = member_import.created_by
    base_url = (member_import.base_url or "http://127.0.0.1:8000/").rstrip("/")
    campaign = member_import.campaign
    for done, change in enumerate(links.iterator(chunk_size=500), start=1):
        user = change.representative

        def compose(person, user=user, change=change):
            link = ""
            if not user.is_active or not user.has_usable_password():
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
                "federation": campaign.federation.name,
                "enterprise": change.enterprise.name,
                "campaign": campaign.name,
                "link": link,
                "username": user.username,
                "login_link": base_url + reverse("portals:login"),
            }
            subject = render_to_string("portals/emails/invitation_subject.txt", context).strip()
            return subject, render_to_string("portals/emails/invitation.txt", context)

        sent += tell(
            [user],
            key=f"import:{member_import.pk}:{change.enterprise_id}",
            compose=compose,
            job=job,
        )
        if progress:
            progress(done, total)
    return sent
