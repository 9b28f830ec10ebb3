"""Pages and endpoints of readers' engagement: the view beacon, comments and their moderation.

The article page itself is another area's; it includes ``newsroom/engagement/_comments.html``,
which carries the comment form and the element `views.js` reads the beacon's address from.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from chapterhouse.core.language import interface_code
from chapterhouse.custody.access import may_comment_as_member, may_edit_some_news, viewer_of
from chapterhouse.newsroom.engagement import counter, selectors, services
from chapterhouse.newsroom.languages import site_languages
from chapterhouse.newsroom.models import Article, Comment

# --- the view beacon ------------------------------------------------------------------------


@csrf_exempt  # posted by navigator.sendBeacon from a cached page: there is no token to send
@require_POST
def view_beacon(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    """Count the reader once per article per day (204); bots and prefetches are not counted.

    Reads and writes the cache only; the counts reach the database in batches.
    """
    at = timezone.now()
    article_id = counter.published_article_id(slug=slug, at=at)
    if article_id is None:
        raise Http404(_("There is no published article with this id."))
    if not counter.is_automated(request):
        counted = counter.view_record(
            article_id=article_id,
            address=services.client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            at=at,
        )
        if counted:
            counter.views_flush_schedule()
    return HttpResponse(status=204)


# --- comments: posting --------------------------------------------------------------------


class CommentForm(forms.Form):
    """A comment under an article: members write only the text; visitors add who they are."""

    name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=100,
        help_text=gettext_lazy("Shown with your comment."),
    )
    email = forms.EmailField(
        label=gettext_lazy("Your e-mail address"),
        help_text=gettext_lazy("We send you a link to confirm the comment. It is never shown."),
    )
    # The honeypot: hidden from people (CSS, aria-hidden, out of the tab order), filled by bots.
    website = forms.CharField(label=gettext_lazy("Leave this field empty"), required=False)

    def __init__(self, *args: Any, member: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if member:
            del self.fields["name"]
            del self.fields["email"]
        # Made here so the limit follows the settings of the moment.
        self.fields["body"] = forms.CharField(
            label=gettext_lazy("Comment"),
            max_length=settings.COMMENT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text=gettext_lazy("Plain text. An editor reads it before it is shown."),
        )
        self.order_fields(["name", "email", "body", "website"])


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303  # after a POST: fetch the next page with GET
    return response


def _form_page(
    request: HttpRequest, lang: str, article: Article, form: CommentForm, *, status: int
) -> HttpResponse:
    response = render(
        request,
        "newsroom/engagement/comment_form.html",
        {
            "article": article,
            "lang": lang,
            "title": selectors.article_title(article, lang),
            "form": form,
            "member": "name" not in form.fields,
            "max_length": settings.COMMENT_MAX_LENGTH,
        },
        status=status,
    )
    add_never_cache_headers(response)  # it holds what this visitor typed
    return response


@csrf_exempt
@require_POST
def comment_post(request: HttpRequest, lang: str, slug: str) -> HttpResponseBase:
    """Take a comment on a published article, then send the writer to a thank-you page (303).

    Why CSRF is checked here rather than by the middleware: anonymous article
    pages come from a cache shared by every visitor, so their form cannot carry a
    per-visitor token. A visitor's post acts for nobody (it goes nowhere until the
    link e-mailed to the address is followed), so a forged one gains nothing, and
    the rate limit and honeypot deal with floods. A signed-in reader's post acts in
    their name through their session cookie, so for them a token is required
    (their page is rendered for them and carries one).
    """
    if request.user.is_authenticated:
        return csrf_protect(_comment_post)(request, lang, slug)
    return _comment_post(request, lang, slug)


def _comment_post(request: HttpRequest, lang: str, slug: str) -> HttpResponseBase:
    at = timezone.now()
    article = selectors.article_published(slug=slug, at=at)
    if article is None:
        raise Http404(_("There is no published article with this id."))
    viewer = viewer_of(request)
    member = may_comment_as_member(viewer)
    form = CommentForm(request.POST, member=member)
    if not form.is_valid():
        return _form_page(request, lang, article, form, status=400)
    address = services.client_address(request)
    if services.comment_rate_exceeded(address=address, article=article, at=at):
        response = render(
            request,
            "newsroom/engagement/comment_limit.html",
            {"article": article, "lang": lang, "minutes": settings.COMMENTS_ADDRESS_WINDOW // 60},
            status=429,
        )
        response["Retry-After"] = str(settings.COMMENTS_ADDRESS_WINDOW)
        add_never_cache_headers(response)
        return response
    sent = "moderation" if member else "email"
    thanks = reverse("engagement:comment_thanks", args=[lang, article.slug]) + f"?sent={sent}"
    if form.cleaned_data["website"]:
        # Only a robot fills the hidden field. It is answered exactly as a person would
        # be (a refusal would teach it to leave the field empty), and nothing is stored.
        return _see_other(thanks)
    data = form.cleaned_data
    title = selectors.article_title(article, lang)
    try:
        with transaction.atomic():
            comment, secret = services.comment_create(
                viewer=viewer,
                via="web",
                article=article,
                lang=lang,
                body=data["body"],
                name=data.get("name", ""),
                email=data.get("email", ""),
                at=at,
            )
            if secret is not None:
                link = reverse("engagement:comment_confirm", args=[lang, secret])
                services.comment_mail_confirmation(
                    comment=comment, link=request.build_absolute_uri(link), title=title
                )
            else:
                services.comment_mail_moderators(
                    comment=comment,
                    link=request.build_absolute_uri(reverse("engagement:moderation")),
                    title=title,
                    on=timezone.localdate(at),
                )
    except ValidationError as error:
        form.add_error(None, error)
        return _form_page(request, lang, article, form, status=400)
    return _see_other(thanks)


@never_cache  # says what happened to this visitor's comment
@require_GET
def comment_thanks(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    """Thank the writer: check your e-mail (visitors) or wait for the editors (members)."""
    article = selectors.article_published(slug=slug, at=timezone.now())
    if article is None:
        raise Http404(_("There is no published article with this id."))
    return render(
        request,
        "newsroom/engagement/comment_thanks.html",
        {
            "article": article,
            "lang": lang,
            "title": selectors.article_title(article, lang),
            "sent": "moderation" if request.GET.get("sent") == "moderation" else "email",
        },
    )


@never_cache
@require_GET
def comment_confirm(request: HttpRequest, lang: str, secret: str) -> HttpResponse:
    """Follow the e-mailed link: the visitor's comment goes to the editors.

    A GET, because it is a link in an e-mail; a mail scanner that follows it
    only sends the comment to moderation, where an editor still decides.
    """
    at = timezone.now()
    try:
        with transaction.atomic():
            comment = services.comment_confirm(secret=secret, at=at)
            newly = comment.confirmed_at == at
            title = selectors.article_title(comment.article, lang)
            if newly:
                services.comment_mail_moderators(
                    comment=comment,
                    link=request.build_absolute_uri(reverse("engagement:moderation")),
                    title=title,
                    on=timezone.localdate(at),
                )
    except (Comment.DoesNotExist, ValidationError) as error:
        expired = isinstance(error, ValidationError)
        return render(
            request,
            "newsroom/engagement/confirm_invalid.html",
            {"lang": lang, "expired": expired},
            status=404,
        )
    return render(
        request,
        "newsroom/engagement/confirmed.html",
        {"article": comment.article, "lang": lang, "title": title, "newly": newly},
    )


# --- comments: moderation -----------------------------------------------------------------


def _page_language() -> str:
    """The working language matching the interface language (``zh-hans`` → ``zh``)."""
    active = translation.get_language() or settings.LANGUAGE_CODE
    for lang in site_languages():
        if interface_code(lang) == interface_code(active):
            return lang
    return active


@never_cache
@require_GET
@login_required
def moderation(request: HttpRequest) -> HttpResponseBase:
    """List the pending comments the signed-in editor moderates, and their articles' readers."""
    viewer = viewer_of(request)
    if not may_edit_some_news(viewer):
        raise PermissionDenied(_("Only editors and officers moderate comments."))
    lang = _page_language()
    return render(
        request,
        "newsroom/engagement/moderation.html",
        {
            "queue": selectors.moderation_queue(viewer=viewer, lang=lang),
            "articles": selectors.moderation_overview(viewer=viewer, lang=lang),
        },
    )


def _moderate(request: HttpRequest, pk: int, *, approve: bool) -> HttpResponseBase:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("engagement:moderation"))
    comment = get_object_or_404(Comment, pk=pk)
    service = services.comment_approve if approve else services.comment_reject
    try:
        service(viewer=viewer_of(request), via="web", comment=comment, at=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if approve:
            messages.success(request, _("The comment is approved: it shows under the article."))
        else:
            messages.success(request, _("The comment is rejected: it will not be shown."))
    return _see_other(reverse("engagement:moderation"))


@require_POST
def comment_approve(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Approve a comment (an editor or officer of the article's body); back to the list."""
    return _moderate(request, pk, approve=True)


@require_POST
def comment_reject(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Reject a comment (an editor or officer of the article's body); back to the list."""
    return _moderate(request, pk, approve=False)
