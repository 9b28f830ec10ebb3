"""The account forms: sign-in, second factor, password reset, invitations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from chapterhouse.core.labels import choices
from chapterhouse.core.language import text
from chapterhouse.core.mail import mail_enqueue
from chapterhouse.custody.access import Viewer, grantable_body_ids
from chapterhouse.custody.models import ROLE_CHOICES
from chapterhouse.registry.models import Body, Person


class SignInForm(AuthenticationForm):
    """E-mail and password; the e-mail is the account's sign-in name, in lower case."""

    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail or the password is wrong. Both are case-sensitive."),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class CodeForm(forms.Form):
    """The six digits an authenticator app shows."""

    code = forms.CharField(
        label=_("Code"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
        help_text=_("The six digits your authenticator app shows for this site."),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).replace(" ", "")


class AnyAccountPasswordResetForm(PasswordResetForm):
    """Password reset that also reaches accounts opened without a password.

    Django skips accounts with an unusable password, meant for sign-ins
    handled elsewhere; here every account signs in with a password, and an
    operator who opened one without a password points its owner to this form.
    """

    def get_users(self, email: str) -> Iterator[Any]:
        return iter(
            get_user_model()._default_manager.filter(username__iexact=email.strip(), is_active=True)
        )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Queue the reset mail for the background worker instead of sending it here.

        A slow or unreachable mail server then neither delays the page nor tells,
        by its delay, whether the address has an account.
        """
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        mail_enqueue(to=[to_email], subject=subject, body=body)


class NewPasswordForm(forms.Form):
    """A new password, typed twice, checked by the password validators."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            # The account does not exist yet; check against what it will be.
            user = get_user_model()(username=self.email, email=self.email)
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


def grantable_bodies(viewer: Viewer) -> QuerySet[Body]:
    """Return the bodies on which the viewer may hand out roles (officer scope, or all)."""
    bodies = Body.objects.order_by("slug")
    grantable = grantable_body_ids(viewer)
    if grantable is None:
        return bodies
    return bodies.filter(pk__in=grantable)


class BodyChoiceField(forms.ModelChoiceField):
    """A body chosen by its name in the active language, with its id to tell namesakes apart."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{text(obj.name)} ({obj.slug})"


class InvitationForm(forms.Form):
    """An officer's invitation: the e-mail, a role on one of their bodies, maybe the person."""

    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(
        label=_("Role"), choices=lambda: choices("grant_role", ROLE_CHOICES), initial="member"
    )
    body = BodyChoiceField(label=_("Body"), queryset=Body.objects.none())
    person = forms.CharField(
        label=_("Person id"),
        required=False,
        help_text=_("The id of the person this account belongs to, if they are in the registry."),
    )

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        body_field = self.fields["body"]
        assert isinstance(body_field, BodyChoiceField)
        body_field.queryset = grantable_bodies(viewer)

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if get_user_model().objects.filter(username__iexact=email).exists():
            raise forms.ValidationError(_("There is already an account for this e-mail."))
        return email

    def clean_person(self) -> Person | None:
        slug = str(self.cleaned_data.get("person") or "").strip()
        if not slug:
            return None
        person = Person.objects.filter(slug=slug).first()
        # Unknown and not-yours read the same, so the form does not reveal who exists.
        if person is None or not self.viewer.may_edit_person(person):
            raise forms.ValidationError(_("You are not a custodian of a person with this id."))
        return person
