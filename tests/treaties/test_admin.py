"""Officials enter a secret treaty in the admin: its texts hashed and searchable and its
clauses judged through the services, as an import would."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from openpeace.core.situation import Situation
from openpeace.treaties.models import SearchDocument, Treaty
from openpeace.treaties.services import text_sha256
from openpeace.world.models import Language, State, Territory


def _formsets(texts: list[dict[str, Any]], clauses: list[dict[str, Any]],
              initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for prefix, rows in (("texts", texts), ("clauses", clauses)):
        data |= {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial,
                 f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
        for i, row in enumerate(rows):
            data |= {f"{prefix}-{i}-{name}": value for name, value in row.items()}
    return data


def _new_treaty(sources: str, texts: list[dict[str, Any]],
                clauses: list[dict[str, Any]]) -> dict[str, Any]:
    """The add form of the Straits note as an official fills it in, with `sources` as typed
    and its texts and clauses (`signed_on` is not typed: it follows the dates)."""
    return {
        "key": "straits-note", "title": "Note on the Straits", "short_name": "Straits note",
        "signed_dates": '["1915-03-12"]', "place": "Petrograd",
        "parties": [State.objects.get(key="russia").pk],
        "languages": [Language.objects.get(tag="fr").pk], "sources": sources,
        **_formsets(texts, clauses),
    }


def test_an_official_enters_a_secret_treaty_with_its_text_and_clauses(
    loaded: Situation, admin_client: Client
) -> None:
    french = Language.objects.get(tag="fr")
    text = "La Russie recevra Constantinople et les Détroits."
    answer = admin_client.post("/admin/treaties/treaty/add/", _new_treaty(
        '[{"title": "Constantinople Agreement", "url": "https://example.org/c"}]',
        [{"language": french.pk, "title": "Note on the Straits", "text": text,
          "source": "the archive"}],
        [{"position": 1, "code": "art-1", "type": "territorial_transfer",
          "description": "Constantinople to Russia",
          "territory": Territory.objects.get(key="erzurum").pk, "to": "russia",
          "kind": "transfer"}]))
    assert answer.status_code == 302
    treaty = Treaty.objects.get(key="straits-note")
    assert treaty.status == Treaty.Statuses.SECRET
    (saved,) = treaty.texts.all()
    assert saved.text == text and saved.sha256 == text_sha256(text) and saved.current
    (clause,) = treaty.clauses.all()
    assert clause.code == "art-1" and clause.findings  # judged by the terms validator


def test_a_hidden_text_is_refused_at_its_field_and_nothing_is_entered(
    loaded: Situation, admin_client: Client
) -> None:
    french = Language.objects.get(tag="fr")
    answer = admin_client.post("/admin/treaties/treaty/add/", _new_treaty(
        "[]", [{"language": french.pk, "title": "\u200b", "text": "La Russie\x01.",
                "source": "the archive"}], []))
    assert answer.status_code == 200
    [errors] = [f.errors for f in answer.context["inline_admin_formsets"][0].formset.forms]
    assert errors["title"] == ["the title of a text cannot be blank: it has no visible "
                               "character, only white space, format characters or combining "
                               "marks (U+200B ZERO WIDTH SPACE)"]
    assert errors["text"][0].startswith("a treaty's text cannot contain the control character "
                                        "U+0001")
    assert not Treaty.objects.exists() and not SearchDocument.objects.exists()


def _form_data(page: str) -> dict[str, Any]:
    """What a browser would post back from the admin's change form, unchanged."""
    import lxml.html

    (form,) = lxml.html.fromstring(page).xpath("//form[@id='treaty_form']")
    data: dict[str, Any] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


def test_an_official_corrects_a_secret_treaty_s_text_in_place_hashed_and_searchable(
    secret: dict[str, Treaty], admin_client: Client
) -> None:
    treaty = secret["straits-pact"]
    (old,) = treaty.texts.filter(current=True)[:1]
    url = f"/admin/treaties/treaty/{treaty.pk}/change/"
    data = _form_data(admin_client.get(url).content.decode())
    index = next(i for i in range(int(data["texts-TOTAL_FORMS"][0]))
                 if data[f"texts-{i}-id"] == [str(old.pk)])
    data[f"texts-{index}-text"] = ["La Russie recevra Constantinople (texte corrigé)."]
    answer = admin_client.post(url, data)
    assert answer.status_code == 302
    # A secret draft has no public history yet: corrected in place (services.treaty_text_revise)
    new = treaty.texts.get(language=old.language, current=True)
    assert (new.pk, new.revision) == (old.pk, old.revision)
    assert new.sha256 == text_sha256("La Russie recevra Constantinople (texte corrigé).")
    assert SearchDocument.objects.filter(treaty=treaty, body__contains="corrigé").exists()


@pytest.mark.parametrize(("field", "typed", "said"), [
    ("sources", '{"title": "The archive"}', ['sources: {"title":"The archive"} is not of type '
                                             '"array"']),
    ("sources", '[{"title": "The archive"}, {"title": "Notes", "url": "javascript:alert(1)"}]',
     ['sources[1].url: "javascript:alert(1)" does not match "^https?://"']),
    ("sources", '[{"title": "The archive"}, {"title": "Notes", "url": "https://archive/notes"}]',
     ["sources[1].url: a source's url must be an absolute http or https URL, not "
      "'https://archive/notes': 'archive' is not a host name"]),
    ("sources", '[{"title": "\u200b"}]',
     ["sources[0].title: the title of its source 1 cannot be blank: it has no visible character, "
      "only white space, format characters or combining marks (U+200B ZERO WIDTH SPACE)"]),
    ("sources", '[{"title": "The archive", "language": "xx"}]',
     ["sources[0].language: 'xx' is not a valid BCP 47 tag"]),
    ("sources", '[{"title": "The archive\\ud800"}]',
     ["sources: the sources cannot contain the surrogate U+D800 on its own, which is not a "
      "character, at sources[0].title"]),
    ("sources", "null", ["This field is required."]),
    ("signed_dates", '["1915-3-4"]',
     ['signed_dates[0]: "1915-3-4" does not match "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"']),
    ("signed_dates", '["1915-03-04", "1915-02-30"]',
     ["signed_dates[1]: '1915-02-30' is not a date"]),
    ("signed_dates", '["1915-04-10", "1915-03-04"]',
     ["signed_dates: the dates must be in order, oldest first"]),
    ("signed_dates", '{"first": "1915-03-04"}',
     ['signed_dates: {"first":"1915-03-04"} is not of type "array"']),
])
def test_a_secret_treaty_s_sources_and_dates_are_judged_as_an_import_judges_them(
    secret: dict[str, Treaty], admin_client: Client, field: str, typed: str, said: list[str]
) -> None:
    """Django saved any JSON there, to be published as it was (or to fail the publication)."""
    treaty = secret["straits-pact"]
    url = f"/admin/treaties/treaty/{treaty.pk}/change/"
    data = _form_data(admin_client.get(url).content.decode())
    answer = admin_client.post(url, {**data, field: [typed]})
    assert answer.status_code == 200
    form = answer.context["adminform"].form
    assert dict(form.errors) == {field: said}
    assert escape(said[0]) in answer.content.decode()  # shown on the page, at the field
    saved = Treaty.objects.get(pk=treaty.pk)
    assert (saved.sources, saved.signed_dates) == (treaty.sources, treaty.signed_dates)


def test_an_official_corrects_a_secret_treaty_s_sources_and_dates(
    secret: dict[str, Treaty], admin_client: Client
) -> None:
    treaty = secret["straits-pact"]
    url = f"/admin/treaties/treaty/{treaty.pk}/change/"
    data = _form_data(admin_client.get(url).content.decode())
    sources = [{"title": "Секретный договор", "url": "https://example.org/straits",
                "language": "ru"}]
    answer = admin_client.post(url, {**data, "sources": [json.dumps(sources)],
                                     "signed_dates": ['["1915-03-04"]']})
    assert answer.status_code == 302
    treaty.refresh_from_db()
    assert treaty.sources == sources and treaty.signed_dates == ["1915-03-04"]


def test_a_treaty_s_first_date_follows_its_dates_of_signature(
    secret: dict[str, Treaty], admin_client: Client
) -> None:
    """An import sets `signed_on` from the first date; the admin cannot make them disagree:
    it shows the first date and takes it from the dates, whatever is posted."""
    treaty = secret["straits-pact"]
    url = f"/admin/treaties/treaty/{treaty.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert 'name="signed_on"' not in page
    data = _form_data(page)
    answer = admin_client.post(url, {**data, "signed_on": ["1999-01-01"],
                                     "signed_dates": ['["1915-02-20", "1915-03-04"]']})
    assert answer.status_code == 302
    treaty.refresh_from_db()
    assert treaty.signed_on == dt.date(1915, 2, 20)


def test_a_secret_treaty_with_bad_sources_is_not_entered(
    loaded: Situation, admin_client: Client
) -> None:
    french = Language.objects.get(tag="fr")
    answer = admin_client.post("/admin/treaties/treaty/add/", _new_treaty(
        '[{"title": "Constantinople Agreement", "url": "ftp://example.org/c"}]',
        [{"language": french.pk, "title": "Note on the Straits",
          "text": "La Russie recevra Constantinople.", "source": "the archive"}], []))
    assert answer.status_code == 200
    assert answer.context["adminform"].form.errors["sources"] == [
        'sources[0].url: "ftp://example.org/c" does not match "^https?://"']
    assert not Treaty.objects.exists() and not SearchDocument.objects.exists()
