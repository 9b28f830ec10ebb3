"""The account pages: sign in (with a second factor), sign out, passwords, two-factor
enrolment, invitations. Plain function views; writes go through custody.services."""

from __future__ import annotations

import base64
import time
from typing import Any
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, user_login_failed
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.generic.edit import FormView
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from chapterhouse.core.mail import mail_enqueue
from chapterhouse.custody.access import may_invite
from chapterhouse.custody.forms import (
    AnyAccountPasswordResetForm,
    CodeForm,
    InvitationForm,
    NewPasswordForm,
    SignInForm,
)
from chapterhouse.custody.models import Grant
from chapterhouse.custody.services import (
    invitation_accept,
    invitation_create,
    invitation_for_secret,
    password_changed_record,
    two_factor_disable,
    two_factor_enable,
)
from chapterhouse.custody.throttle import client_address, password_reset_allowed
from chapterhouse.custody.two_factor import is_verified, two_factor_required

# The user who gave the right password but still owes a code: not signed in yet.
PENDING_KEY = "custody_pending_sign_in"
PENDING_SECONDS = 300
# The secret of a TOTP device being enrolled, kept until its first code confirms it.
ENROL_KEY = "custody_totp_key"
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next_url(request: HttpRequest, default: str = "/") -> str:
    """Return the `next` the visitor came with if it stays on this site, else `default`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _with_next(name: str, next_url: str) -> str:
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url != "/" else url


@sensitive_post_parameters("password")
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    """Check e-mail and password; then ask for a code if the account has a device."""
    next_url = _next_url(request)
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if user_has_device(user):
            request.session[PENDING_KEY] = {
                "user": user.pk,
                "backend": getattr(user, "backend", PASSWORD_BACKEND),
                "at": timezone.now().timestamp(),
            }
            return redirect(_with_next("custody:login_code", next_url))
        auth_login(request, user)
        return HttpResponseRedirect(next_url)
    return render(request, "custody/sign_in.html", {"form": form, "next": next_url})


def _pending_user(request: HttpRequest) -> tuple[Any, str | None]:
    """Return the user owing a code and, if not signed in yet, the backend to sign in with."""
    if request.user.is_authenticated:
        return request.user, None
    pending = request.session.get(PENDING_KEY)
    if not pending or timezone.now().timestamp() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending["backend"]


def _throttled(user: Any) -> bool:
    """Whether every device of the user refuses codes for now after recent wrong ones."""
    devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    return all(not device.verify_is_allowed()[0] for device in devices)


@sensitive_post_parameters("code")
@never_cache
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Ask for the code of the user's device: the second step of signing in."""
    next_url = _next_url(request)
    user, backend = _pending_user(request)
    if user is None:
        messages.info(request, _("Sign in again: the time to give the code ran out."))
        return redirect(_with_next("custody:login", next_url))
    if backend is None and is_verified(user):
        return HttpResponseRedirect(next_url)
    if not user_has_device(user):
        return redirect(_with_next("custody:two_factor", next_url))
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return locked_out(request, None, credentials)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            if backend is not None:
                request.session.pop(PENDING_KEY, None)
                auth_login(request, user, backend=backend)
            otp_login(request, device)
            return HttpResponseRedirect(next_url)
        # A wrong code counts as a failed sign-in, so guessing codes meets the lockout too.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if _throttled(user):
            form.add_error(
                "code", _("This code was not accepted. Wait a few seconds before the next try.")
            )
        else:
            form.add_error("code", _("This code is wrong or has expired. Try the one shown now."))
    return render(
        request,
        "custody/sign_in_code.html",
        {"form": form, "next": next_url, "signed_in": backend is None},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, so a link or an image elsewhere cannot sign anyone out)."""
    auth_logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("web:orgchart")


@login_required
@never_cache
def account(request: HttpRequest) -> HttpResponse:
    """Show the account: its grants, its second factor, what the user may do next."""
    viewer = request.viewer  # type: ignore[attr-defined]
    today = timezone.localdate()
    user: Any = request.user
    grants = Grant.objects.filter(user=user).select_related("body").order_by("-start", "role")
    return render(
        request,
        "custody/account.html",
        {
            "grants": grants,
            "today": today,
            "has_device": user_has_device(request.user),
            "two_factor_required": two_factor_required(request.user, viewer),
            "may_invite": may_invite(viewer),
            "person": getattr(getattr(request.user, "account", None), "person", None),
        },
    )


def _new_device(request: HttpRequest) -> TOTPDevice:
    """Return the unsaved device being enrolled; its key waits in the session until confirmed."""
    key = request.session.get(ENROL_KEY)
    if not key:
        key = random_hex(20)
        request.session[ENROL_KEY] = key
    return TOTPDevice(user=request.user, key=key, name=_("Authenticator app"), confirmed=False)


def _code_matches(device: TOTPDevice, code: str) -> bool:
    """Check a code against a device not saved yet (its own check would save it)."""
    try:
        token = int(code)
    except ValueError:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(token, device.tolerance):
        return False
    device.last_t = totp.t()
    return True


@login_required
@sensitive_post_parameters("code")
@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (QR code and secret, confirmed by a code), or show it's on."""
    user: Any = request.user
    next_url = _next_url(request, default=reverse("custody:account"))
    required = two_factor_required(user, request.viewer)  # type: ignore[attr-defined]
    if user_has_device(user):
        if not is_verified(user):
            # Whoever has only the password must not enrol a device of their own.
            return redirect(_with_next("custody:login_code", next_url))
        form = CodeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and not required and form.is_valid():
            if match_token(user, form.cleaned_data["code"]) is not None:
                two_factor_disable(user=user, at=timezone.now())
                messages.success(request, _("Two-factor sign-in is off."))
                return redirect("custody:account")
            form.add_error("code", _("This code is wrong or has expired. Try the one shown now."))
        return render(request, "custody/two_factor_on.html", {"form": form, "required": required})

    device = _new_device(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _code_matches(device, form.cleaned_data["code"]):
            two_factor_enable(user=user, device=device, at=timezone.now())
            request.session.pop(ENROL_KEY, None)
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return HttpResponseRedirect(next_url)
        form.add_error("code", _("This code does not match. Check the app's clock and try again."))
    qr_code = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=_("QR code for your authenticator app")
    )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "custody/two_factor_enrol.html",
        {
            "form": form,
            "qr_code": qr_code,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": required,
            "next": next_url,
        },
    )


class _PasswordSetRecorded(FormView):
    """Set the new password and record ``how`` it was set in the audit trail, in one
    transaction: a password never changes without its entry."""

    how: str

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            password_changed_record(user=form.user, how=self.how, via="web", at=timezone.now())
        return response


class PasswordChangeView(_PasswordSetRecorded, auth_views.PasswordChangeView):
    template_name = "custody/password_change.html"
    success_url = reverse_lazy("custody:password_change_done")
    how = "change"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "custody/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link: throttled per address and per account, mailed by the worker."""

    form_class = AnyAccountPasswordResetForm
    template_name = "custody/password_reset.html"
    email_template_name = "custody/password_reset_email.txt"
    subject_template_name = "custody/password_reset_subject.txt"
    success_url = reverse_lazy("custody:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        address_allowed, email_allowed = password_reset_allowed(
            email=form.cleaned_data["email"], address=client_address(self.request)
        )
        if not address_allowed:
            form.add_error(
                None,
                _(
                    "Too many password resets were asked for from your address; "
                    "try again in %(minutes)d minutes."
                )
                % {"minutes": max(1, settings.PASSWORD_RESET_WINDOW // 60)},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if not email_allowed:
            # The page says the same as when a mail leaves, so it tells no one whether
            # the account exists or was asked for already.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "custody/password_reset_done.html"


class PasswordResetConfirmView(_PasswordSetRecorded, auth_views.PasswordResetConfirmView):
    template_name = "custody/password_reset_confirm.html"
    success_url = reverse_lazy("custody:password_reset_complete")
    how = "reset"


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "custody/password_reset_complete.html"


@login_required
def invite(request: HttpRequest) -> HttpResponse:
    """Let an officer (or an administrator) invite someone with a role on one of their bodies."""
    viewer = request.viewer  # type: ignore[attr-defined]
    if not may_invite(viewer):
        raise PermissionDenied(_("Only officers and administrators may invite."))
    form = InvitationForm(request.POST if request.method == "POST" else None, viewer=viewer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation, secret = invitation_create(
                viewer=viewer,
                via="web",
                email=data["email"],
                grants=[(data["role"], data["body"])],
                person=data["person"],
                at=timezone.now(),
            )
        except ValidationError as error:
            form.add_error(None, "; ".join(error.messages))
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            link = request.build_absolute_uri(reverse("custody:invitation_accept", args=[secret]))
            context = {"link": link, "invitation": invitation, "inviter": request.user}
            # Through the queue, like every mail: the request never waits on the mail server.
            mail_enqueue(
                to=[invitation.email],
                subject=render_to_string("custody/invitation_subject.txt", context),
                body=render_to_string("custody/invitation_email.txt", context),
            )
            messages.success(
                request,
                _("The invitation is on its way to %(email)s. Its link works for 14 days.")
                % {"email": invitation.email},
            )
            return redirect("custody:account")
    return render(request, "custody/invite.html", {"form": form})


@sensitive_post_parameters("password1", "password2")
@never_cache
def accept_invitation(request: HttpRequest, secret: str) -> HttpResponse:
    """Open the invited account: the invitee chooses a password and is signed in."""
    now = timezone.now()
    try:
        invitation = invitation_for_secret(secret=secret, at=now)
    except ValidationError as error:
        return render(
            request, "custody/invitation_invalid.html", {"reason": error.code}, status=404
        )
    form = NewPasswordForm(
        request.POST if request.method == "POST" else None, email=invitation.email
    )
    if request.method == "POST" and form.is_valid():
        try:
            user: Any = invitation_accept(
                secret=secret,
                password=form.cleaned_data["password1"],
                on=timezone.localdate(),
                at=now,
            )
        except (PermissionDenied, ValidationError) as error:
            return render(
                request,
                "custody/invitation_invalid.html",
                {"reason": getattr(error, "code", None) or "refused"},
                status=404 if isinstance(error, ValidationError) else 403,
            )
        auth_login(request, user, backend=PASSWORD_BACKEND)
        messages.success(request, _("Welcome. Your account is open."))
        return redirect("custody:account")
    return render(
        request, "custody/invitation_accept.html", {"form": form, "invitation": invitation}
    )


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """Tell a visitor that sign-in is paused for this account from here, and for how long.

    django-axes calls this (AXES_LOCKOUT_CALLABLE) instead of the view's own
    response once the failure limit is reached; 429 is Too Many Requests.
    """
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0
    return render(
        request,
        "custody/locked_out.html",
        {"failure_limit": get_failure_limit(request, credentials), "minutes": minutes},
        status=429,
    )
