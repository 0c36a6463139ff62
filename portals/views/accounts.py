"""Signing in and out, resetting a password, accepting an invitation; the home page."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from portals import login_guard
from portals.access import FEDERATION, FUNDER, SME, STAFF, audience

SPACES = {
    SME: "portals:request_list",
    FEDERATION: "portals:federation_requests",
    STAFF: "portals:federation_requests",
    FUNDER: "portals:funder_home",
}


def home(request):
    """Each person to their space; anonymous visitors to the login page."""
    space = audience(request.user)
    if space is None:
        return redirect("portals:login")
    return redirect(SPACES[space])


class LoginView(auth_views.LoginView):
    """Signing in, throttled per address as well as per username, with a cap on how many
    passwords are hashed at once (docs/rules.md#login-throttling)."""

    template_name = "portals/accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        address = request.META.get("REMOTE_ADDR", "")
        if login_guard.address_blocked(address):
            return self._busy(request, ip_blocked=True)
        with login_guard.hashing_slot() as free:
            if not free:
                return self._busy(request, ip_blocked=False)
            return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_guard.count_failure(self.request.META.get("REMOTE_ADDR", ""))
        return super().form_invalid(form)

    def _busy(self, request, *, ip_blocked: bool):
        response = render(
            request,
            "portals/accounts/login_busy.html",
            {"ip_blocked": ip_blocked, "minutes": login_guard.window_minutes()},
            status=429 if ip_blocked else 503,
        )
        response["Retry-After"] = str(login_guard.window_minutes() * 60 if ip_blocked else 5)
        return response


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "portals/accounts/password_reset.html"
    email_template_name = "portals/emails/password_reset.txt"
    subject_template_name = "portals/emails/password_reset_subject.txt"
    success_url = reverse_lazy("portals:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portals/accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portals/accounts/password_set.html"
    success_url = reverse_lazy("portals:password_reset_complete")

    def get_user(self, uidb64):
        # A link sent while the account was active dies with its deactivation.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portals/accounts/password_reset_complete.html"


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation: choose a password, the account is then active."""

    template_name = "portals/accounts/password_set.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("portals:home")
    extra_context = {"invitation": True}

    def get_user(self, uidb64):
        # An invitation activates an account never activated yet, never one an
        # administrator deactivated (docs/rules.md#deactivated-accounts).
        user = super().get_user(uidb64)
        return user if user is not None and user.deactivated_at is None else None

    def form_valid(self, form):
        form.user.is_active = True
        response = super().form_valid(form)
        messages.success(
            self.request, _("Bienvenue sur Grappe : votre compte est prêt et vous êtes connecté·e.")
        )
        return response
