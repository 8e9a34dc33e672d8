"""The staff admin and every staff-only page: open to a session signed in at the admin login, with
the password (django-axes' lockout) and, for staff who have an authenticator, the second factor
(allauth.mfa). Site administrators must have one. A session signed in by email code is not staff's.

`is_staff_session(request)` is the one test of a staff session; `staff_session_required` guards the
staff-only views outside the admin. The sign-in is recorded in the session (ADMIN_SESSION_KEY),
never in the URL; so is a sign-in waiting for its second factor (PENDING_SESSION_KEY)."""

import time
from functools import update_wrapper, wraps

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa import signals as mfa_signals
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.utils import is_mfa_enabled
from allauth.utils import get_form_class
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .roles import SITE_ADMINISTRATORS

# {"user": pk as text, "second_factor": bool}: who signed in at the admin login, and whether they
# gave a second factor there (or set one up since, in this session).
ADMIN_SESSION_KEY = "core.admin_sign_in"
# {"user", "backend", "next", "at"}: the password was right; the second factor is awaited.
PENDING_SESSION_KEY = "core.admin_sign_in_pending"
# How long the second step waits for its code after the password.
PENDING_SECONDS = 5 * 60
# Where a site administrator without an authenticator is sent (allauth.mfa's page).
SETUP_URL_NAME = "mfa_activate_totp"


def has_authenticator(user):
    """The user has a second factor (an authenticator app, or recovery codes)."""
    return is_mfa_enabled(user)


def is_site_administrator(user):
    return user.is_superuser or user.groups.filter(name=SITE_ADMINISTRATORS).exists()


def _admin_sign_in(request):
    sign_in = request.session.get(ADMIN_SESSION_KEY)
    if sign_in and sign_in.get("user") == str(request.user.pk):
        return sign_in
    return None


def is_staff_session(request):
    """Active staff, signed in at the admin login, with the second factor if they have one."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    sign_in = _admin_sign_in(request)
    if sign_in is None:
        return False
    return sign_in["second_factor"] or not has_authenticator(user)


def second_factor_setup_required(request):
    """A site administrator in a staff session who has no second factor yet: they set one up first."""
    sign_in = _admin_sign_in(request)
    return (
        sign_in is not None
        and not sign_in["second_factor"]
        and is_staff_session(request)
        and is_site_administrator(request.user)
    )


def _redirect_to_setup(request):
    messages.warning(
        request,
        "Site administrators sign in with a second factor: set up an authenticator app to use the admin.",
    )
    return redirect(SETUP_URL_NAME)


def staff_session_required(view):
    """For staff-only views outside the admin: a visitor who is not signed in (or signed in by email
    code) goes to the admin login, anyone else who is not staff gets a 403."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if second_factor_setup_required(request):
            return _redirect_to_setup(request)
        if not is_staff_session(request):
            if request.user.is_authenticated and not request.user.is_staff:
                raise PermissionDenied
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return guarded


def admin_sign_in_state(user, *, second_factor):
    """What the session keeps of a completed admin sign-in."""
    return {"user": str(user.pk), "second_factor": second_factor}


def _complete_sign_in(request, user, *, backend, second_factor):
    auth_login(request, user, backend=backend)
    request.session[ADMIN_SESSION_KEY] = admin_sign_in_state(user, second_factor=second_factor)
    # For allauth the password was just given again: its pages that ask for a recent
    # reauthentication (setting up an authenticator) accept this sign-in for their timeout.
    record_authentication(request, user, method="password", reauthenticated=True, username=user.get_username())


class AdminLoginView(LoginView):
    """Django's admin login; staff with an authenticator then give a code at the second step."""

    def form_valid(self, form):
        user = form.get_user()
        if has_authenticator(user):
            self.request.session[PENDING_SESSION_KEY] = {
                "user": str(user.pk),
                "backend": user.backend,
                "next": self.get_success_url(),
                "at": time.time(),
            }
            return HttpResponseRedirect(reverse("admin:login_verify", current_app=self.request.current_app))
        _complete_sign_in(self.request, user, backend=user.backend, second_factor=False)
        return HttpResponseRedirect(self.get_success_url())


def _pending_user(request):
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None, None
    user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True, is_staff=True).first()
    return user, pending


class PortalAdminSite(admin.AdminSite):
    """The admin, for staff sessions only (`is_staff_session`); site administrators without a second
    factor are sent to set one up before any admin page."""

    def has_permission(self, request):
        return is_staff_session(request)

    def admin_view(self, view, cacheable=False):
        def checked(request, *args, **kwargs):
            logout = reverse("admin:logout", current_app=self.name)
            if request.path != logout and second_factor_setup_required(request):
                return _redirect_to_setup(request)
            return view(request, *args, **kwargs)

        return super().admin_view(update_wrapper(checked, view), cacheable)

    def get_urls(self):
        return [path("login/verify/", self.login_verify, name="login_verify"), *super().get_urls()]

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """Django's AdminSite.login, with AdminLoginView (the second step where one is due)."""
        index = reverse("admin:index", current_app=self.name)
        redirect_url = LoginView().get_redirect_url(request) or index
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(redirect_url)
        context = {
            **self.each_context(request),
            "title": "Log in",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            REDIRECT_FIELD_NAME: redirect_url,
            **(extra_context or {}),
        }
        request.current_app = self.name
        return AdminLoginView.as_view(
            extra_context=context,
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html",
            next_page=index,
        )(request)

    @method_decorator([never_cache, sensitive_post_parameters("code")])
    @login_not_required
    def login_verify(self, request):
        """The second step: a code from the authenticator app, or a recovery code, checked by
        allauth.mfa (which refuses a code used once and limits attempts). Each wrong code also counts
        toward the admin login's lockout, as a wrong password does."""
        user, pending = _pending_user(request)
        if user is None:
            request.session.pop(PENDING_SESSION_KEY, None)
            messages.error(request, "Please sign in again: the second step waits five minutes at most.")
            return redirect("admin:login")
        credentials = {"username": user.get_username()}
        if AxesProxyHandler.is_locked(request, credentials):
            request.session.pop(PENDING_SESSION_KEY, None)
            return get_lockout_response(request, None, credentials)
        form_class = get_form_class(mfa_settings.FORMS, "authenticate", AuthenticateForm)
        form = form_class(user=user, data=request.POST if request.method == "POST" else None)
        form.fields["code"].widget.attrs.update(autofocus=True, inputmode="numeric")
        if form.is_bound:
            if form.is_valid():
                del request.session[PENDING_SESSION_KEY]
                _complete_sign_in(request, user, backend=pending["backend"], second_factor=True)
                form.save()  # allauth records the authenticator's use
                return HttpResponseRedirect(pending["next"])
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        request.current_app = self.name
        context = {
            **self.each_context(request),
            "title": "Two-factor authentication",
            "subtitle": None,
            "form": form,
            "username": user.get_username(),
        }
        return TemplateResponse(request, "admin/login_verify.html", context)


@receiver(mfa_signals.authenticator_added)
def _second_factor_added(sender, request, user, **kwargs):
    """Setting up an authenticator proves it (allauth asks for its first code): a staff session
    that signed in at the admin keeps going, now with its second factor."""
    sign_in = request.session.get(ADMIN_SESSION_KEY) if request is not None else None
    if sign_in and sign_in.get("user") == str(user.pk):
        request.session[ADMIN_SESSION_KEY] = admin_sign_in_state(user, second_factor=True)
