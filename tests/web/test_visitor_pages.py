"""Pages a visitor expects: a 403 that says why, the site's icon and robots.txt."""

from __future__ import annotations

from PIL import Image

from tests.conftest import sign_in


def test_a_refusal_says_why_in_the_readers_language_on_the_sites_own_page(personas, client):
    sign_in(client, personas["mia"])  # a plain member: may not record people

    response = client.get("/people/new/?lang=ru")
    page = response.content.decode()

    assert response.status_code == 403
    assert '<html lang="ru"' in page
    assert 'class="site-header"' in page
    assert "Записывать людей могут только должностные лица органов." in page
    assert "403 Forbidden" not in page


def test_a_refusal_without_a_reason_tells_a_signed_in_reader_it_is_the_account(personas, client):
    sign_in(client, personas["charlie"])

    page = client.get("/newsroom/").content.decode()

    assert "The newsroom&#x27;s workspace is for editors, translators and officers." in page
    assert "Sign in</a>" not in page.split('<main id="content"', 1)[1]


def test_a_visitor_who_is_not_signed_in_is_asked_to_sign_in(demo, rf):
    from django.contrib.auth.models import AnonymousUser

    from chapterhouse.web.errors import permission_denied

    request = rf.get("/somewhere/?x=1")
    request.user = AnonymousUser()
    response = permission_denied(request, None)
    page = response.content.decode()

    assert response.status_code == 403
    assert "You need to sign in to open this page." in page
    assert 'href="/accounts/sign-in/?next=%2Fsomewhere%2F%3Fx%3D1"' in page


def test_the_site_icon_is_served_at_the_root(demo, client, tmp_path):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    icon = tmp_path / "favicon.ico"
    icon.write_bytes(response.content)
    with Image.open(icon) as image:
        assert image.format == "ICO"
        assert {(16, 16), (32, 32)} <= set(image.info["sizes"])


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_off_private_pages(demo, client):
    response = client.get("/robots.txt")
    lines = response.content.decode().splitlines()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for private in ("/admin/", "/accounts/", "/newsroom/", "/*/edit/", "/*/new/"):
        assert f"Disallow: {private}" in lines
    assert "Disallow: /" not in lines  # the public record stays crawlable


def test_times_are_written_to_the_second_on_pages_and_in_feeds(demo, client):
    import datetime as dt

    from chapterhouse.newsroom.models import Article

    published = dt.datetime(2025, 5, 18, 9, 30, 15, 123456, tzinfo=dt.UTC)
    Article.objects.filter(slug="gc5-opens").update(publish_at=published)

    home = client.get("/en/").content.decode()
    article = client.get("/en/news/gc5-opens/").content.decode()
    feed = client.get("/en/feed.atom").content.decode()

    for page in (home, article):
        assert 'datetime="2025-05-18T09:30:15+00:00"' in page
        assert ".123456" not in page
    assert "<published>2025-05-18T09:30:15+00:00</published>" in feed
    assert ".123456" not in feed


def test_a_form_sent_without_its_csrf_token_is_refused_on_the_sites_own_page(demo):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/sign-in/?lang=en", {"username": "x", "password": "y"})
    page = response.content.decode()

    assert response.status_code == 403
    assert 'class="site-header"' in page
    assert "This form has expired. Go back, reload the page and send the form again." in page
    assert "CSRF verification failed" not in page
