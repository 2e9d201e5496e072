"""A secret treaty is invisible to everyone but officials: pages, API, search, exports, the log.

Only officials may publish or repudiate, and they do it in the admin (or the operator's CLI);
everyone else is turned away, and nothing changes.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from openpeace.log.models import Entry
from openpeace.log.services import log_integrate
from openpeace.treaties.models import Treaty

SECRET_WORDS = ["finnish-note", "Finnish Note", "Anleihe", "Kohlenlieferungen"]


def test_a_secret_treaty_is_nowhere_public(published: Treaty, client: Client) -> None:
    log_integrate()
    answers = {
        url: client.get(url)
        for url in [
            "/treaties/", "/treaties/search/?q=loan",
            "/treaties/export.csv", "/treaties/export.json", "/api/treaties",
            "/api/treaties/search?q=Anleihe", "/log/", "/log/entries/0", "/log/entries/1",
            "/api/treaties?clause_type=financial",
        ]
    }
    for url, answer in answers.items():
        assert answer.status_code == 200, url
        body = answer.content.decode()
        assert not any(word in body for word in SECRET_WORDS), url
    search = client.get("/treaties/search/?q=Anleihe").content.decode()  # the form echoes it
    assert "0 results" in search and "finnish-note" not in search
    for url in ["/treaties/finnish-note/", "/api/treaties/finnish-note"]:
        assert client.get(url).status_code == 404
    for entry in Entry.objects.all():
        assert not any(word in bytes(entry.body).decode() for word in SECRET_WORDS)


def test_officials_see_it_in_the_back_office(published: Treaty, admin_client: Client) -> None:
    finnish = Treaty.objects.get(key="finnish-note")
    page = admin_client.get(f"/admin/treaties/treaty/{finnish.pk}/change/")
    assert page.status_code == 200 and "Kohlenlieferungen" in page.content.decode()


def test_an_official_publishes_and_repudiates_in_the_admin(published: Treaty,
                                                           admin_client: Client) -> None:
    finnish = Treaty.objects.get(key="finnish-note")
    answer = admin_client.post("/admin/treaties/treaty/", {
        "action": "publish", "_selected_action": [finnish.pk, published.pk]})
    assert answer.status_code == 302
    assert Treaty.objects.get(pk=finnish.pk).status == "published"
    assert Entry.objects.filter(kind="treaty.published").count() == 2  # not twice for the pact
    url = f"/admin/treaties/treaty/{finnish.pk}/repudiate/"
    refused = admin_client.post(url, {"statement": "Annulled.", "on": "1900-01-01",
                                      "by": published.parties.get(key="russia").pk})
    assert refused.status_code == 200 and "cannot be repudiated on 1900-01-01" in (
        refused.content.decode())
    assert Treaty.objects.get(pk=finnish.pk).status == "published"
    done = admin_client.post(url, {"statement": "Annulled.",
                                   "on": timezone.localdate().isoformat(),  # published today
                                   "by": published.parties.get(key="russia").pk})
    assert done.status_code == 302
    assert Treaty.objects.get(pk=finnish.pk).status == "repudiated"


def test_nobody_else_can_publish_or_repudiate(published: Treaty, client: Client) -> None:
    finnish = Treaty.objects.get(key="finnish-note")
    User.objects.create_user("envoy", password="pw-for-tests-only")
    for who in [None, "envoy"]:
        if who:
            client.login(username=who, password="pw-for-tests-only")
        publish = client.post("/admin/treaties/treaty/", {
            "action": "publish", "_selected_action": [finnish.pk]})
        repudiate = client.post(f"/admin/treaties/treaty/{published.pk}/repudiate/", {
            "statement": "x", "on": "1917-11-23", "by": 1})
        assert publish.status_code == repudiate.status_code == 302
        assert "/admin/login/" in publish["Location"]
    assert Treaty.objects.get(pk=finnish.pk).status == "secret"
    assert Treaty.objects.get(pk=published.pk).status == "published"
    assert client.post("/api/treaties/finnish-note").status_code == 405
