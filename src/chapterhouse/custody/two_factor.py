"""Two-factor sign-in: who must use it, and the middleware that holds them to it.

Administrators, staff and anyone holding an officer grant can read and change
other people's personal data, so a password alone is not enough for them:
until their session is verified with a TOTP code they see only the account
pages that let them enrol or give a code. Anyone else who has enrolled a
device is held to it too, so enrolling is never weaker than not enrolling.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.middleware import OTPMiddleware

from chapterhouse.core.generations import generations, memoized
from chapterhouse.custody.access import WRITE_ROLE, Viewer

# The account pages an unverified user still needs: signing in and out, giving
# a code or enrolling, resetting a forgotten password, accepting an invitation.
OPEN_PAGES = frozenset(
    {
        "login",
        "login_code",
        "logout",
        "two_factor",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "invitation_accept",
    }
)


def two_factor_required(user: Any, viewer: Viewer) -> bool:
    """Whether `user` may act only after a second factor: admins, staff and officers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or viewer.bodies_with(WRITE_ROLE))


def is_verified(user: Any) -> bool:
    """Whether the session's user has given a code from a confirmed device this session."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def two_factor_pending(request: HttpRequest) -> str | None:
    """Return where a signed-in but unverified user must go first, or None if nowhere.

    A user with a confirmed device gives a code; one who must use two-factor
    but has no device yet enrols.
    """
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return None
    if _has_device(user):
        return "custody:login_code"
    if two_factor_required(user, request.viewer):  # type: ignore[attr-defined]
        return "custody:two_factor"
    return None


# Bumped whenever any OTP device is saved or deleted (custody.signals): a confirmed,
# removed or throttled device is seen on the next request in every process.
DEVICE_GENERATION = "devices"


def _has_device(user: Any) -> bool:
    """`user_has_device`, kept per user and generation of the devices (no query when warm)."""
    (number,) = generations(DEVICE_GENERATION)
    return memoized(("has-device", user.pk, number), lambda: user_has_device(user))


class CachedOTPMiddleware(OTPMiddleware):
    """django_otp's middleware, reading the session's device from the process's memo (per
    generation of the devices) instead of a query on every signed-in request.

    django_otp still checks that the device is the user's and confirmed; each request gets
    its own copy, so a verification that changes the device changes no other request's.
    """

    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        (number,) = generations(DEVICE_GENERATION)
        device = memoized(
            ("otp-device", persistent_id, number),
            lambda: super(CachedOTPMiddleware, self)._device_from_persistent_id(persistent_id),
        )
        return copy.copy(device)


class TwoFactorMiddleware:
    """Send a signed-in user who still owes a second factor to enrolment or the code page.

    Runs after ViewerMiddleware. Requests signed with a bearer token pass: the
    token is the credential. A session on the API gets 403 JSON instead of a
    redirect a client could not follow.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None  # ViewerMiddleware has already refused a bad token
        match = request.resolver_match
        if match is not None and "custody" in match.namespaces and match.url_name in OPEN_PAGES:
            return None
        target = two_factor_pending(request)
        if target is None:
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Sign in with your second factor first, or use an API token.")},
                status=403,
            )
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(target)}?{query}")
