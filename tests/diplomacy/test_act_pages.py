"""The public pages of one armistice and one negotiation session, linked from the offer page."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from openpeace.diplomacy.armistices import (
    armistice_record,
    breach_report,
    denunciation_record,
    session_record,
)
from openpeace.diplomacy.models import Armistice, NegotiationSession, Offer
from openpeace.world.models import State
from tests.html import dangling, described

D = dt.date
OFFER = "/offers/decree-on-peace-1917/"


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def main(html: str) -> str:
    """The page's <main>, spaces collapsed, so assertions do not depend on the layout."""
    return re.sub(r"\s+", " ", html[html.index("<main") : html.index("</main>")])


@pytest.fixture
def replayed(db: None) -> Offer:
    call_command("demo", "replay-1917", stdout=StringIO())
    return Offer.objects.get(key="decree-on-peace-1917")


@pytest.fixture
def armistice(replayed: Offer) -> Armistice:
    return replayed.armistices.get()


@pytest.fixture
def session(replayed: Offer) -> NegotiationSession:
    return replayed.sessions.get()


def test_the_offer_page_links_each_act_to_its_page(
    client: Client, armistice: Armistice, session: NegotiationSession
) -> None:
    html = main(page(client, OFFER))
    assert (f'<a href="{OFFER}armistices/{armistice.pk}/">Armistice signed on 15 December 1917'
            "</a>") in html
    assert f'<a href="{OFFER}sessions/{session.pk}/"><bdi>Brest-Litovsk</bdi>, 22 December 1917' \
        in html
    assert "5 delegations" in html
    # A summary line each: the record of the session is on its own page only.
    assert "six points" not in html


def test_the_armistice_page_shows_the_agreement(client: Client, armistice: Armistice) -> None:
    html = main(page(client, f"{OFFER}armistices/{armistice.pk}/"))
    assert "<h1>Armistice signed on 15 December 1917</h1>" in html
    for name in ["Russia", "Germany", "Austria-Hungary", "Ottoman Empire", "Bulgaria"]:
        assert f"><bdi>{name}</bdi></a></li>" in html
    assert '<time datetime="1917-12-15">15 December 1917</time>' in html
    assert '<dt>In force from</dt><dd><time datetime="1917-12-17">17 December 1917</time>' in html
    assert "<dt>Term</dt><dd>28 days, to 14 January 1918</dd>" in html
    assert "continues until denounced, with notice; 7 days' notice" in html
    assert "from the Baltic Sea to the Black Sea" in html
    assert "No party has denounced it." in html and "No breach has been reported." in html
    index = armistice.entry.index
    assert index is not None
    assert f'<a href="/log/entries/{index}">Log entry {index}</a>' in html
    assert f'<a href="/log/entries/{index}.tlog-proof" download>' in html
    assert "<pre" not in html  # no geometry was recorded


@pytest.mark.parametrize(
    ("day", "in_force", "expiry", "last_day"),
    [
        # Signed, not yet in force: the term's expiry and its last day to denounce.
        ("1917-12-16", "No, not in force.", "14 January 1918", "7 January 1918"),
        ("1918-01-01", "Yes, in force.", "14 January 1918", "7 January 1918"),
        ("1918-01-07", "Yes, in force.", "14 January 1918", "7 January 1918"),
        # Past the twenty-first day, it continues until denounced, with seven days' notice.
        ("1918-01-08", "Yes, in force.", "no day is fixed",
         "any day: a denunciation ends it 7 days later"),
    ],
)
def test_the_calendar_answers_for_a_given_day(
    client: Client, armistice: Armistice, day: str, in_force: str, expiry: str, last_day: str
) -> None:
    html = main(page(client, f"{OFFER}armistices/{armistice.pk}/?on={day}"))
    shown = D.fromisoformat(day)
    assert f'value="{day}"' in html
    assert f"In force on {shown.day} {shown:%B %Y}?" in html
    assert re.search(rf'<dd class="in-force">{re.escape(in_force)}</dd>', html)
    assert re.search(rf'<dd class="expires-on">[^/]*{expiry}', html)
    assert re.search(rf'<dd class="last-day-to-denounce">[^/]*{last_day}', html)


def test_the_calendar_answers_for_today_by_default(client: Client, armistice: Armistice) -> None:
    html = main(page(client, f"{OFFER}armistices/{armistice.pk}/"))
    assert "In force today (" in html
    # Nobody has denounced the 1917 armistice in this database: it is still in force.
    assert '<dd class="in-force">Yes, in force.</dd>' in html


def test_a_denunciation_fixes_the_end_and_is_shown_with_its_log_entry(
    client: Client, armistice: Armistice
) -> None:
    denunciation = denunciation_record(
        armistice=armistice, party=State.objects.get(key="germany"), on=D(1918, 2, 10)
    )
    url = f"{OFFER}armistices/{armistice.pk}/"
    html = main(page(client, url + "?on=1918-02-17"))
    assert '<dd class="in-force">Yes, in force.</dd>' in html
    assert '<dt>Expires on</dt> <dd class="expires-on"><time datetime="1918-02-17">' in html
    assert "none: its end is already fixed" in html
    assert ('Denounced on 10 February 1918 by <a href="/states/germany/"><bdi>Germany</bdi></a>:'
            " this ends the armistice on 17 February 1918.") in html
    assert denunciation.entry.index is None  # not integrated yet: said so, no dead link
    assert "Being recorded in the transparency log." in html
    html = main(page(client, url + "?on=1918-02-18"))
    assert '<dd class="in-force">No, not in force.</dd>' in html
    assert "<dt>Ended on</dt>" in html
    # Before it was made, the denunciation changes nothing the calendar said.
    html = main(page(client, url + "?on=1918-01-20"))
    assert '<dd class="in-force">Yes, in force.</dd>' in html
    assert "no day is fixed" in html


def test_breaches_are_published_with_their_log_entry(
    client: Client, armistice: Armistice
) -> None:
    from openpeace.log.services import log_integrate

    breach = breach_report(armistice=armistice, reported_by=State.objects.get(key="russia"),
                           on=D(1917, 12, 20), description="Troops moved to the western front.")
    log_integrate()
    breach.entry.refresh_from_db()
    html = main(page(client, f"{OFFER}armistices/{armistice.pk}/"))
    assert ('Reported for 20 December 1917 by <a href="/states/russia/"><bdi>Russia</bdi></a>:'
            " Troops moved to the western front.") in html
    assert f'<a href="/log/entries/{breach.entry.index}">' in html


@pytest.mark.parametrize("value", ["bogus", "1918-13-01", "9999-12-31"])
def test_a_day_the_calendar_cannot_answer_for_is_a_400_with_the_reason(
    client: Client, armistice: Armistice, value: str
) -> None:
    html = page(client, f"{OFFER}armistices/{armistice.pk}/?on={value}", 400)
    assert '<div role="alert" class="refusal">' in html and '<html lang="en" dir="ltr">' in html
    assert "In force today (" in main(html)  # and the answers for today
    # said at the day, which stays as it was typed and is described by the message
    assert dangling(html) == [] and "id_on_error" in described(html, "id_on")
    assert re.search(rf'<input type="(text|date)" name="on" value="{value}"', html)
    assert re.search(r'<strong class="error" id="id_on_error">[^<]+</strong>', html)


def test_the_session_page_shows_the_session(client: Client, session: NegotiationSession) -> None:
    html = main(page(client, f"{OFFER}sessions/{session.pk}/"))
    assert "<h1>Negotiation session at <bdi>Brest-Litovsk</bdi>, 22 December 1917</h1>" in html
    assert '<dt>Opened</dt><dd><time datetime="1917-12-22">22 December 1917</time></dd>' in html
    assert "no closing day recorded" in html
    assert ('<li><a href="/states/russia/"><bdi>Russia</bdi></a>: <bdi>A. A. Joffe</bdi>, '
            "<bdi>L. B. Kamenev</bdi>, <bdi>M. N. Pokrovsky</bdi></li>") in html
    assert "<bdi>R. von Kühlmann</bdi>" in html
    assert "a general democratic peace in six points" in html
    index = session.entry.index
    assert f'<a href="/log/entries/{index}">Log entry {index}</a>' in html
    assert f'<a href="/log/entries/{index}.tlog-proof" download>' in html
    assert f'<a href="{OFFER}"><bdi>' in html  # back to the offer


@pytest.mark.parametrize(
    "url",
    [
        OFFER + "armistices/{unknown}/", OFFER + "sessions/{unknown}/", OFFER + "armistices/0/",
        "/offers/no-such-offer/armistices/{armistice}/",
        "/offers/no-such-offer/sessions/{session}/",
    ],
)
def test_unknown_acts_are_404(
    client: Client, armistice: Armistice, session: NegotiationSession, url: str
) -> None:
    unknown = max(armistice.pk, session.pk) + 1000
    html = page(client, url.format(armistice=armistice.pk, session=session.pk, unknown=unknown),
                404)
    assert '<html lang="en" dir="ltr">' in html and "Not found" in html


def test_an_armistice_without_geometry_has_no_geojson_file(
    client: Client, armistice: Armistice
) -> None:
    page(client, f"{OFFER}armistices/{armistice.pk}/demarcation.geojson", 404)


def test_the_acts_of_an_offer_that_is_not_released_are_404(
    client: Client, armistice: Armistice, session: NegotiationSession
) -> None:
    """The services never record acts under a draft; were one there, it would stay unseen."""
    urls = {f"{OFFER}armistices/{armistice.pk}/": "No armistice",
            f"{OFFER}sessions/{session.pk}/": "No negotiation session"}
    for url in urls:
        page(client, url)
    Offer.objects.filter(pk=armistice.offer_id).update(released_at=None)
    for url, says in urls.items():
        assert says in page(client, url, 404)


def test_an_act_is_only_found_under_its_own_offer(client: Client, accepted: Offer) -> None:
    """A number is looked up under the offer's key: a draft's key does not reach other acts."""
    armistice = armistice_record(
        offer=accepted, parties=list(State.objects.filter(key__in=["russia", "germany"])),
        signed_on=D(1917, 12, 15), effective_on=D(1917, 12, 17), term_count=28,
        term_unit="days",
    )
    draft = Offer.objects.create(
        key="draft", title="A draft", proposing_state=accepted.proposing_state,
        reply_deadline=accepted.reply_deadline,
    )
    page(client, f"/offers/peace-1917/armistices/{armistice.pk}/")
    page(client, f"/offers/{draft.key}/armistices/{armistice.pk}/", 404)
    page(client, f"/offers/{draft.key}/", 404)


def test_the_demarcation_line_as_geojson(client: Client, accepted: Offer) -> None:
    line = {"type": "LineString", "coordinates": [[21.0, 55.7], [30.7, 46.5]]}
    armistice = armistice_record(
        offer=accepted, parties=list(State.objects.filter(key__in=["russia", "germany"])),
        signed_on=D(1917, 12, 15), effective_on=D(1917, 12, 17), term_count=3,
        term_unit="months", renewal=Armistice.Renewal.RENEWED_FOR, renewal_count=1,
        renewal_unit="months", notice_days=7, demarcation_geometry=line,
    )
    url = f"/offers/peace-1917/armistices/{armistice.pk}/"
    html = main(page(client, url + "?on=1918-01-01"))
    assert "<dt>Term</dt><dd>3 months, to 17 March 1918</dd>" in html
    assert "renewed for a further term unless denounced in time: each time for 1 month" in html
    assert '<dd class="expires-on"><time datetime="1918-03-17">' in html
    assert '<time datetime="1918-03-10">10 March 1918</time> (for it to end on 17 March 1918)' \
        in html
    assert "No demarcation line was recorded in words." in html
    assert f'<a href="{url}demarcation.geojson" download type="application/geo+json">' in html
    assert '<pre dir="ltr"><code>{ &quot;type&quot;: &quot;LineString&quot;' in html
    response = client.get(url + "demarcation.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "attachment" in response["Content-Disposition"]
    assert response.json() == line
    offer_html = main(page(client, "/offers/peace-1917/"))
    assert f'<a href="{url}">Armistice signed on 15 December 1917</a>' in offer_html
    assert "<bdi>Germany</bdi>, <bdi>Russia</bdi>" in offer_html


def test_a_session_page_without_known_states_or_closing(
    client: Client, accepted: Offer
) -> None:
    found = session_record(
        offer=accepted, place="Brest-Litovsk", opened_on=D(1918, 1, 9), closed_on=D(1918, 2, 10),
        delegations=[{"state": "russia", "members": ["L. D. Trotsky"]}],
        record="The second round.\n\nTrotsky leads the Russian delegation.",
    )
    # A row recorded before `session_record` checked the delegations: a state the register does
    # not know, a delegation without members. The page still shows what was recorded.
    NegotiationSession.objects.filter(pk=found.pk).update(
        delegations=[{"state": "ukraine", "members": ["O. Sevriuk"]}, {"state": "russia"}])
    html = main(page(client, f"/offers/peace-1917/sessions/{found.pk}/"))
    assert '<dt>Closed</dt><dd><time datetime="1918-02-10">10 February 1918</time></dd>' in html
    assert "<li><bdi>ukraine</bdi>: <bdi>O. Sevriuk</bdi></li>" in html
    assert '<li><a href="/states/russia/"><bdi>Russia</bdi></a></li>' in html
    assert "<p>The second round.</p> <p>Trotsky leads the Russian delegation.</p>" in html
    offer_html = main(page(client, "/offers/peace-1917/"))
    assert "<bdi>Brest-Litovsk</bdi>, 9 January 1918 – 10 February 1918</a>: 2 delegations." \
        in offer_html


def test_a_long_demarcation_line_is_for_download_only(client: Client, accepted: Offer) -> None:
    line = {"type": "LineString", "coordinates": [[20 + i / 100, 50.0] for i in range(200)]}
    armistice = armistice_record(
        offer=accepted, parties=list(State.objects.filter(key__in=["russia", "germany"])),
        signed_on=D(1917, 12, 15), effective_on=D(1917, 12, 17), term_count=28,
        term_unit="days", demarcation="The front line.", demarcation_geometry=line,
    )
    url = f"/offers/peace-1917/armistices/{armistice.pk}/"
    html = main(page(client, url))
    assert "download the GeoJSON file</a> (too long to show on this page)" in html
    assert "<pre" not in html
    assert client.get(url + "demarcation.geojson").json() == line
