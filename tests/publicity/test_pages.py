"""The endorsement pages from outside: the form and its errors, the same answer for a new, a
duplicate and a suspect endorsement, the confirmation by button, the cached tally (HTML and
JSON), the cached form and "sent" page and the never-cached write paths, the refusal of
writes from other sites, the address behind a proxy, and the published mail rules."""

from __future__ import annotations

import datetime as dt
import re

import lxml.html
import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from openpeace.diplomacy.models import Offer
from openpeace.publicity import services
from openpeace.publicity.models import Endorsement
from tests.publicity.conftest import Queue


def post(client: Client, offer: Offer, **data: str) -> tuple[int, str]:
    form = {"contact": "jane@example.org", "country": "germany", "region": "", "name": ""}
    response = client.post(f"/offers/{offer.key}/endorse/", {**form, **data})
    return response.status_code, response.headers.get("Location", "")


def test_the_flow_answers_the_same_for_a_duplicate(client: Client, endorsable: Offer) -> None:
    page = client.get(f"/offers/{endorsable.key}/endorse/")
    assert page.status_code == 200 and "public, max-age=60" in page.headers["Cache-Control"]
    assert not page.cookies and b"csrfmiddlewaretoken" not in page.content  # the same for all
    sent = f"/offers/{endorsable.key}/endorse/sent/"
    for contact in ("jane@example.org", "JANE@example.org"):
        response = client.post(f"/offers/{endorsable.key}/endorse/",
                               {"contact": contact, "country": "germany"})
        assert (response.status_code, response["Location"]) == (302, sent)
        assert "no-store" in response["Cache-Control"]
    assert Endorsement.objects.count() == 1
    assert "public, max-age=60" in client.get(sent).headers["Cache-Control"]


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": "https://campaign.example"},
])
def test_writes_from_another_site_are_refused(client: Client, endorsable: Offer,
                                              headers: dict[str, str]) -> None:
    """A page elsewhere cannot make its visitors' browsers endorse (or confirm) for it."""
    endorse = client.post(f"/offers/{endorsable.key}/endorse/",
                          {"contact": "jane@example.org", "country": "germany"}, headers=headers)
    assert endorse.status_code == 403 and b"sent from another site" in endorse.content
    refusal = endorse.content.decode()  # a page of the site, saying what to do
    assert endorse["Content-Type"].startswith("text/html")
    assert '<html lang="en" dir="ltr">' in refusal and '<main id="content">' in refusal
    assert f'<a href="/offers/{endorsable.key}/endorse/">Open the form on this site</a>' in refusal
    assert not Endorsement.objects.exists()
    services.endorsement_submit(offer=endorsable, contact="jane@example.org",
                                country=endorsable.addressees.get(key="germany"))
    ref = Endorsement.objects.get().ref
    confirm = client.post(f"/endorsements/confirm/{services.confirmation_token(ref)}/",
                          headers=headers)
    assert confirm.status_code == 403 and Endorsement.objects.get().status == "pending"


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"},
    {"Origin": "http://testserver"}, {},
])
def test_writes_from_this_site_or_no_browser_are_taken(client: Client, endorsable: Offer,
                                                       headers: dict[str, str]) -> None:
    response = client.post(f"/offers/{endorsable.key}/endorse/",
                           {"contact": "jane@example.org", "country": "germany"}, headers=headers)
    assert response.status_code == 302 and Endorsement.objects.count() == 1


@pytest.mark.parametrize(("peer", "forwarded", "seen"), [
    ("127.0.0.1", "198.51.100.7", "198.51.100.7"),  # through the trusted proxy
    ("127.0.0.1", "10.9.9.9, 198.51.100.7", "198.51.100.7"),  # the client's own part is ignored
    ("127.0.0.1", "198.51.100.7, 127.0.0.1", "198.51.100.7"),  # proxies behind proxies
    ("127.0.0.1", "", "127.0.0.1"),  # no proxy: the peer itself
    ("127.0.0.1", "not-an-address", "127.0.0.1"),
    ("203.0.113.5", "198.51.100.7", "203.0.113.5"),  # an untrusted peer names no one else
])
def test_the_address_behind_a_trusted_proxy(client: Client, endorsable: Offer, peer: str,
                                            forwarded: str, seen: str) -> None:
    client.post(f"/offers/{endorsable.key}/endorse/",
                {"contact": "jane@example.org", "country": "germany"},
                REMOTE_ADDR=peer, headers={"X-Forwarded-For": forwarded} if forwarded else {})
    assert Endorsement.objects.get().address == seen


def test_confirming_takes_a_button_and_twice_is_harmless(client: Client, endorsable: Offer,
                                                         queue: Queue) -> None:
    post(client, endorsable)
    endorsement = Endorsement.objects.get()
    services.endorsements_check()
    services.endorsement_mails_dispatch()
    queue.run()
    path = mail.outbox[-1].body.split("http://127.0.0.1:8000")[1].split("\n")[0]
    shown = client.get(path)
    assert shown.status_code == 200 and b"<button" in shown.content
    assert (f"<p>You asked to endorse “<bdi>{endorsable.title}</bdi>”. It counts once you "
            "confirm.</p>").encode() in shown.content  # what the button confirms
    assert "no-store" in shown["Cache-Control"]  # the page holds the link
    endorsement.refresh_from_db()
    assert endorsement.status == "pending"  # a scanner following the link confirms nothing
    for _ in range(2):
        done = client.post(path)
        assert done.status_code == 200 and b"is confirmed" in done.content
    endorsement.refresh_from_db()
    assert endorsement.status == "confirmed"
    again = client.get(path)  # the link opened again: said at once, with no button
    assert again.status_code == 200 and b"<button" not in again.content
    assert (f'<p role="status">Your endorsement of “<bdi>{endorsable.title}</bdi>” is already '
            "confirmed. You count once, in the published tally.</p>").encode() in again.content
    assert f'<a href="/offers/{endorsable.key}/endorsements/">'.encode() in again.content
    for method, status in (("post", 400), ("get", 404)):
        refused = getattr(client, method)("/endorsements/confirm/nonsense/")
        assert refused.status_code == status  # a sentence, and no button refused again
        assert (b'<p role="alert">This confirmation link is not valid: copy the whole link '
                b"from the e-mail, or endorse again.</p>") in refused.content
        assert b"<button" not in refused.content  # the navigation links /offers/ on every page:
        assert (b'<a href="/offers/">The offers of peace, to endorse one again</a>'
                in refused.content)

    # A link opened once the period has closed says so, and when.
    late = services.endorsement_submit(offer=endorsable, contact="late@example.org",
                                       country=endorsable.addressees.get(key="germany"))
    period = endorsable.endorsement_period
    period.closes_at = dt.datetime(2025, 3, 1, 17, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    period.save(update_fields=["closes_at"])
    late_path = f"/endorsements/confirm/{services.confirmation_token(late.endorsement.ref)}/"
    for method, status in (("post", 400), ("get", 410)):
        closed = getattr(client, method)(late_path)
        assert closed.status_code == status and b"<button" not in closed.content
        assert (b'<p role="alert">The endorsements of this offer closed on 2025-03-01 at 14:30 '
                b"UTC: this link can no longer confirm an endorsement.</p>") in closed.content
        # Its way on is the offer's counts, not the offers "to endorse one again".
        assert (f'<a href="/offers/{endorsable.key}/endorsements/">The endorsements of '
                f"“<bdi>{endorsable.title}</bdi>”, as counted</a>").encode() in closed.content
        assert b"endorse one again" not in closed.content
    assert Endorsement.objects.get(pk=late.endorsement.pk).status == "pending"


@pytest.mark.parametrize(("data", "message"), [
    ({"contact": "not-an-address"}, b"Enter a valid email address"),
    ({"contact": "a@localhost"}, b"the e-mail address"),
    ({"country": "atlantis"}, b"Select a valid choice"),
    ({"country": ""}, b"This field is required"),
    ({"region": "finland"}, b"is not a region of"),
    ({"name": "x" * 201}, b"at most 200 characters"),
])
def test_bad_input_is_named_and_changes_nothing(client: Client, endorsable: Offer,
                                                data: dict[str, str], message: bytes) -> None:
    response = client.post(f"/offers/{endorsable.key}/endorse/",
                           {"contact": "jane@example.org", "country": "germany", **data})
    assert response.status_code == 400 and message in response.content
    assert not Endorsement.objects.exists()
    # The error is the field's, said next to it and named by it (Django's aria attributes).
    field = next(iter(data))
    tag = re.search(rf'<(?:input|select)[^>]*\bname="{field}"[^>]*>', response.content.decode())
    assert tag and 'aria-invalid="true"' in tag.group()
    assert f'id="id_{field}_error"'.encode() in response.content


def test_a_closed_period_and_an_unknown_offer(client: Client, endorsable: Offer) -> None:
    endorsable.endorsement_period.closes_at = timezone.now() - dt.timedelta(seconds=1)
    endorsable.endorsement_period.save()
    code, _ = post(client, endorsable)
    assert code == 400 and not Endorsement.objects.exists()
    assert client.get("/offers/no-such-offer/endorse/").status_code == 404
    missing = client.get("/offers/no-such-offer/endorsements.json")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No released offer with key 'no-such-offer'"}


@pytest.mark.parametrize(("opens", "closes", "says"), [
    (-2, 1, b'name="contact"'),
    (-2, -1, b"The endorsements of this offer closed on"),
    (1, 2, b"The endorsements of this offer open on"),
])
def test_the_form_is_shown_only_while_the_endorsements_are_open(
        client: Client, endorsable: Offer, opens: int, closes: int, says: bytes) -> None:
    period = endorsable.endorsement_period
    now = timezone.now()
    period.opens_at = now + dt.timedelta(days=opens)
    period.closes_at = now + dt.timedelta(days=closes)
    period.save()
    page = client.get(f"/offers/{endorsable.key}/endorse/").content
    assert says in page
    assert (b"<form" in page) == (says == b'name="contact"')
    assert f"<h1>Endorse “<bdi>{endorsable.title}</bdi>”</h1>".encode() in page


def test_the_tally_is_cached_and_public(client: Client, endorsable: Offer) -> None:
    endorsement = services.endorsement_submit(
        offer=endorsable, contact="jane@example.org",
        country=endorsable.addressees.get(key="germany")).endorsement
    services.endorsement_confirm(token=services.confirmation_token(endorsement.ref))
    services.tally_run(offer=endorsable, lag=dt.timedelta(0))
    page = client.get(f"/offers/{endorsable.key}/endorsements/")
    data = client.get(f"/offers/{endorsable.key}/endorsements.json")
    for response in (page, data):
        control = response.headers["Cache-Control"]
        assert "public" in control and "max-age=60" in control
        assert "stale-while-revalidate=120" in control and "stale-if-error=300" in control
    assert data.json()["total"] == 1 and data.json()["countries"][0]["key"] == "germany"
    assert b"jane" not in page.content and b"jane" not in data.content
    assert b"<bdi>Germany</bdi>" in page.content
    as_of = dt.datetime.fromisoformat(data.json()["as_of"])
    moment = f'<time datetime="{as_of.isoformat()}">'
    assert f"1 endorsement confirmed, as of {moment}".encode() in page.content
    assert page.content.count(moment.encode()) == 2  # the summary and the table over time
    assert f"{as_of:%H:%M} UTC</time>".encode() in page.content


def test_the_mail_rules_are_published(client: Client, db: None) -> None:
    rules = client.get("/endorsements/mail-rules.json").json()
    assert rules["version"] == services.mail_rules().version
    assert rules["domains"]["googlemail.com"] == {"alias_of": "gmail.com"}


def test_the_form_keeps_the_choices_and_escapes_the_names(client: Client, endorsable: Offer
                                                          ) -> None:
    from openpeace.world.models import Territory

    Territory.objects.filter(key="alsace").update(name="Alsace <b>&</b> Lorraine")
    response = client.post(f"/offers/{endorsable.key}/endorse/",
                           {"contact": "bad", "country": "germany", "region": "alsace"})
    assert response.status_code == 400
    assert b'<option value="germany" selected>' in response.content
    assert b'<option value="alsace" selected>Germany: Alsace &lt;b&gt;&amp;&lt;/b&gt; Lorraine' in (
        response.content)
    assert b'id="id_region_helptext"' in response.content  # what aria-describedby names


def test_each_country_heads_only_its_own_regions(client: Client, endorsable: Offer) -> None:
    """The tally's country header is a row group header: each country is a row group (a
    `<tbody>`) of its own, so that it heads its regions' rows and no other (WCAG 2.2, 1.3.1)."""
    from openpeace.world.models import Territory

    places = [("germany", "alsace"), ("germany", None), ("ottoman-empire", "erzurum")]
    for n, (country, region) in enumerate(places):
        endorsement = services.endorsement_submit(
            offer=endorsable, contact=f"person{n}@example.org",
            country=endorsable.addressees.get(key=country),
            region=Territory.objects.get(key=region) if region else None).endorsement
        services.endorsement_confirm(token=services.confirmation_token(endorsement.ref))
    services.tally_run(offer=endorsable, lag=dt.timedelta(0))
    page = lxml.html.fromstring(client.get(f"/offers/{endorsable.key}/endorsements/").content)
    (table,) = page.xpath("//table[caption='Endorsements per country and region']")
    groups = [(tbody.xpath("string(tr[1]/th[@scope='rowgroup'])"),
               tbody.xpath("tr[1]/th/@rowspan"), len(tbody.xpath("tr")),
               len(tbody.xpath(".//th[@scope='rowgroup']"))) for tbody in table.xpath("tbody")]
    assert groups == [("Germany (2)", ["2"], 2, 1), ("Ottoman Empire (1)", ["1"], 1, 1)]


def test_the_follow_form_names_what_it_follows_in_its_title(client: Client,
                                                             endorsable: Offer) -> None:
    """A link that preselects an offer opens another page than the bare form (WCAG 2.2,
    2.4.2); a key that is not a choice names nothing."""
    page = client.get(f"/follow/?offer={endorsable.key}").content.decode()
    assert f"<title>Follow by e-mail (What to follow: {endorsable.title}) · openpeace</title>" in (
        page)
    assert "<title>Follow by e-mail · openpeace</title>" in client.get(
        "/follow/?offer=atlantis").content.decode()


def test_the_chart_says_its_moments_as_dates_and_times() -> None:
    from openpeace.publicity.charts import over_time_svg

    svg = str(over_time_svg([{"as_of": "2026-11-25T05:51:00+00:00", "total": 1},
                             {"as_of": "2026-11-26T05:51:30+00:00", "total": 3}]))
    assert "T05:51" not in svg and "2026-11" not in svg
    assert '<text x="40" y="186.66666666666666">25 Nov 2026, 05:51</text>' in svg
    assert ("<desc id=\"chart-desc\">From 1 on 25 November 2026, 05:51 UTC to 3 on 26 November "
            "2026, 05:51 UTC;") in svg
