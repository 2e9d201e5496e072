"""Publish, repudiate, revise: each act one transaction with its log entry, every wrong step a
clear error that changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape

from openpeace.core.treaty_status import TransitionRefused
from openpeace.log.models import Entry
from openpeace.treaties import services
from openpeace.treaties.export import treaty_document
from openpeace.treaties.models import Treaty, TreatyText
from openpeace.treaties.search import treaty_search
from openpeace.world.models import Language, State
from tests.source_urls import REFUSED_URLS


def _entries(kind: str) -> list[dict[str, object]]:
    return [json.loads(bytes(e.body)) for e in Entry.objects.filter(kind=kind).order_by("pk")]


def test_entering_a_secret_treaty_writes_nothing_public(secret: dict[str, Treaty]) -> None:
    assert not Entry.objects.filter(kind__startswith="treaty.").exists()
    assert not any("straits" in bytes(e.body).decode() for e in Entry.objects.all())


def test_publication_logs_every_text_in_full_with_its_hash(secret: dict[str, Treaty]) -> None:
    entry = services.treaty_publish(treaty=secret["straits-pact"])
    treaty = Treaty.objects.get(key="straits-pact")
    assert (treaty.status, treaty.publication_entry) == ("published", entry)
    [logged] = _entries("treaty.published")
    content = logged["content"]
    assert content["treaty"] == "straits-pact" and content["parties"] == ["france", "russia"]
    texts = {t["language"]: t for t in content["texts"]}
    assert set(texts) == {"fr", "ru", "ota"}
    for text in TreatyText.objects.filter(treaty=treaty):
        assert texts[text.language.tag]["text"] == text.text
        assert texts[text.language.tag]["sha256"] == hashlib.sha256(
            text.text.encode()).hexdigest() == text.sha256
        assert text.entry == entry
    assert {c["id"]: c["findings"] for c in content["clauses"]}["art-1"] == [
        "annexation.no_decision"]


def test_publication_is_atomic_with_its_entry(secret: dict[str, Treaty],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the entry is written leaves neither the entry nor the publication."""
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Treaty, "save", fail)
    with pytest.raises(RuntimeError):
        services.treaty_publish(treaty=secret["straits-pact"])
    monkeypatch.undo()
    assert Treaty.objects.get(key="straits-pact").status == "secret"
    assert not Entry.objects.filter(kind="treaty.published").exists()
    assert not TreatyText.objects.filter(entry__isnull=False).exists()


def test_publishing_twice_is_refused_naming_the_status(published: Treaty) -> None:
    with pytest.raises(TransitionRefused, match="the treaty is published and cannot become"):
        services.treaty_publish(treaty=published)
    assert len(_entries("treaty.published")) == 1


def test_a_secret_treaty_cannot_be_repudiated_before_it_is_published(
    secret: dict[str, Treaty],
) -> None:
    with pytest.raises(TransitionRefused, match="must be published before it is repudiated"):
        services.treaty_repudiate(treaty=secret["finnish-note"], statement="Annulled.",
                                  on=dt.date(1917, 11, 23), by=State.objects.get(key="russia"))
    assert Treaty.objects.get(key="finnish-note").status == "secret"
    assert not Entry.objects.filter(kind="treaty.repudiated").exists()


@pytest.mark.parametrize("statement,on,by,message", [
    ("  ", dt.date(1917, 11, 23), "russia", "the statement is empty"),
    ("\u200b\u200d", dt.date(1917, 11, 23), "russia", "the statement is empty [(]it has no "
                                                       "visible character"),
    ("Annulled.\x07", dt.date(1917, 11, 23), "russia",
     "^the statement of a repudiation cannot contain the control character U[+]0007"),
    ("Annulled.", dt.date(1914, 1, 1), "russia", "cannot be repudiated on 1914-01-01"),
    ("Annulled.", dt.date(1917, 11, 25), "germany",
     r"^Germany \(germany\) is not a party to 'straits-pact' and cannot repudiate it; its "
     r"parties: France, Russia$"),
    ("Annulled.", dt.date(1917, 11, 22), "russia",
     "^a treaty published on 1917-11-23 cannot be repudiated on 1917-11-22, before it was "
     "published$"),
    ("Annulled.", dt.date(2999, 12, 31), "russia",
     r"^a repudiation is recorded once made: 2999-12-31 is in the future \(today is "),
])
def test_a_bad_repudiation_changes_nothing(published: Treaty, statement: str, on: dt.date,
                                           by: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        services.treaty_repudiate(treaty=published, statement=statement, on=on,
                                  by=State.objects.get(key=by))
    assert Treaty.objects.get(pk=published.pk).status == "published"
    assert not Entry.objects.filter(kind="treaty.repudiated").exists()


def test_repudiation_logs_the_statement_and_is_final(published: Treaty) -> None:
    russia = State.objects.get(key="russia")
    services.treaty_repudiate(treaty=published, statement="We annul it.",
                              on=dt.date(1917, 11, 23), by=russia)
    treaty = Treaty.objects.get(pk=published.pk)
    assert (treaty.status, treaty.repudiated_by, treaty.repudiation_statement) == (
        "repudiated", russia, "We annul it.")
    [logged] = _entries("treaty.repudiated")
    assert logged["content"] == {"treaty": "straits-pact", "repudiated_on": "1917-11-23",
                                 "repudiated_by": "russia", "statement": "We annul it."}
    with pytest.raises(TransitionRefused, match="repudiation is final"):
        services.treaty_publish(treaty=treaty)
    with pytest.raises(TransitionRefused, match="already repudiated"):
        services.treaty_repudiate(treaty=treaty, statement="Again.", on=dt.date(1917, 12, 1),
                                  by=russia)


def test_a_published_text_is_corrected_by_a_logged_revision_that_keeps_the_old(
    published: Treaty,
) -> None:
    fr = Language.objects.get(tag="fr")
    old = TreatyText.objects.get(treaty=published, language=fr)
    with pytest.raises(ValueError, match="only with the reason"):
        services.treaty_text_revise(treaty=published, language=fr, title=old.title,
                                    text="Texte corrigé: Trébizonde.", source=old.source,
                                    reason="")
    revised = services.treaty_text_revise(
        treaty=published, language=fr, title=old.title, text="Texte corrigé: Trébizonde.",
        source=old.source, reason="A misprint in the archive copy.")
    assert revised.revision == 2 and revised.current
    old.refresh_from_db()
    assert not old.current and old.text.startswith("La Russie recevra")
    [logged] = _entries("treaty.text_revised")
    assert logged["content"]["replaces_sha256"] == old.sha256
    assert logged["content"]["sha256"] == revised.sha256 != old.sha256
    # Search reads the current revision only.
    assert [h.language for h in treaty_search("Trébizonde")] == ["fr"]
    assert [h.language for h in treaty_search("recevra")] == []
    with pytest.raises(ValueError, match="already has exactly this text"):
        services.treaty_text_revise(treaty=published, language=fr, title=old.title,
                                    text="Texte corrigé: Trébizonde.", source=old.source,
                                    reason="again")


@pytest.mark.parametrize(("changes", "message"), [
    ({"title": "\u3164"}, "^the title of a text cannot be blank"),
    ({"text": "\u200b"}, "^a treaty's text cannot be blank"),
    ({"text": "Texte\x00"}, "^a treaty's text cannot contain a NUL character"),
    ({"source": " "}, "^the source of a text cannot be blank"),
    ({"reason": "\u2060"}, "^a published text is corrected only with the reason for the "
                            "correction [(]it has no visible character"),
    ({"reason": "A misprint.\x1f"}, "^the reason for a correction cannot contain the control "
                                     "character U[+]001F"),
])
def test_a_hidden_text_revision_is_refused_and_changes_nothing(
    published: Treaty, changes: dict[str, str], message: str
) -> None:
    fr = Language.objects.get(tag="fr")
    old = TreatyText.objects.get(treaty=published, language=fr)
    revision = {"title": old.title, "text": "Texte corrigé.", "source": old.source,
                "reason": "A misprint in the archive copy.", **changes}
    with pytest.raises(ValueError, match=message):
        services.treaty_text_revise(treaty=published, language=fr, **revision)
    assert list(TreatyText.objects.filter(treaty=published, language=fr)) == [old]
    assert not Entry.objects.filter(kind="treaty.text_revised").exists()


def test_a_secret_draft_is_corrected_in_place_without_a_trace(
    secret: dict[str, Treaty],
) -> None:
    de = Language.objects.get(tag="de")
    services.treaty_text_revise(treaty=secret["finnish-note"], language=de, title="Note",
                                text="Eine Anleihe.", source="archive", reason="")
    text = TreatyText.objects.get(treaty=secret["finnish-note"], language=de)
    assert (text.revision, text.text, text.entry) == (1, "Eine Anleihe.", None)
    assert not Entry.objects.filter(kind__startswith="treaty.").exists()


def test_clauses_are_judged_by_the_terms_validator(secret: dict[str, Treaty]) -> None:
    clauses = {c.code: c for c in secret["straits-pact"].clauses.all()}
    assert clauses["art-1"].flagged
    [finding] = clauses["art-1"].findings
    assert (finding["rule"], finding["nationality"], finding["territory"]) == (
        "annexation.no_decision", "armenians", "erzurum")
    assert "every nationality without any exception" in finding["quotes"][0]
    assert [n.key for n in clauses["art-1"].nationalities.all()] == ["armenians"]
    assert not clauses["art-3"].flagged and clauses["art-3"].findings == []
    assert services.clauses_rejudge() == 0


@pytest.mark.parametrize("stored,message", [
    (lambda t: TreatyText.objects.filter(treaty=t, language__tag="ru").update(text="\u200b"),
     "its text in 'ru' cannot be blank: it has no visible character"),
    (lambda t: TreatyText.objects.filter(treaty=t, language__tag="fr").update(title="Pacte\x1b"),
     "the title of its text in 'fr' cannot contain the control character U+001B"),
    (lambda t: t.clauses.filter(code="art-3").update(description=" \u200d "),
     "the description of its clause 'art-3' cannot be blank"),
    (lambda t: Treaty.objects.filter(pk=t.pk).update(title="Pacte\x7f"),
     "its title cannot contain the control character U+007F"),
])
def test_publication_refuses_a_stored_text_no_public_text_may_be(
    secret: dict[str, Treaty], stored: Any, message: str
) -> None:
    """A row written before the rule of public texts (or around the services) is judged again
    before it is logged for good: refused, naming the treaty and the field, nothing written."""
    treaty = secret["straits-pact"]
    stored(treaty)
    with pytest.raises(ValueError, match=re.escape(message)) as refused:
        services.treaty_publish(treaty=treaty)
    assert str(refused.value).startswith(
        "treaty 'straits-pact' cannot be published until its texts are corrected: ")
    assert Treaty.objects.get(pk=treaty.pk).status == "secret"
    assert not Entry.objects.filter(kind__startswith="treaty.").exists()
    assert not TreatyText.objects.filter(entry__isnull=False).exists()


@pytest.mark.parametrize(("url", "message"), REFUSED_URLS)
def test_publication_refuses_a_stored_source_url_not_to_follow(
    secret: dict[str, Treaty], url: str, message: str
) -> None:
    """A source stored around the file's check is judged again before it is published, at its
    field, as every source URL is (`core.sources.url_problem`)."""
    treaty = secret["straits-pact"]
    Treaty.objects.filter(pk=treaty.pk).update(sources=[{"title": "The note", "url": url}])
    [(field, problem)] = services.treaty_texts_problems(
        treaty_document(Treaty.objects.get(pk=treaty.pk)))
    assert field == "sources[0].url" and problem.startswith(f"a source's url {message}")
    with pytest.raises(ValueError, match=re.escape(message)):
        services.treaty_publish(treaty=Treaty.objects.get(pk=treaty.pk))
    assert Treaty.objects.get(pk=treaty.pk).status == "secret"
    assert not Entry.objects.filter(kind__startswith="treaty.").exists()


def test_the_cli_and_the_admin_say_why_a_treaty_cannot_be_published(
    secret: dict[str, Treaty], admin_client: Client
) -> None:
    treaty = secret["straits-pact"]
    TreatyText.objects.filter(treaty=treaty, language__tag="ru").update(text="\u200b")
    why = ("treaty 'straits-pact' cannot be published until its texts are corrected: its text "
           "in 'ru' cannot be blank")
    with pytest.raises(CommandError, match=re.escape(why)):
        call_command("treaties", "publish", "straits-pact")
    answer = admin_client.post("/admin/treaties/treaty/", {
        "action": "publish", "_selected_action": [treaty.pk]}, follow=True)
    assert answer.status_code == 200 and escape(why) in answer.content.decode()
    assert Treaty.objects.get(pk=treaty.pk).status == "secret"
    assert not Entry.objects.filter(kind="treaty.published").exists()
