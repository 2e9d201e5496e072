"""The canonical contact: every spelling a domain's rule merges gives one contact, nothing else
is merged, canonicalising twice changes nothing, and bad addresses and rules are named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from openpeace.core.contact import (
    ContactError,
    MailRules,
    canonical_contact,
    canonical_domain,
    parse_rules,
)

RULES_FILE = Path(__file__).parents[2] / "src" / "openpeace" / "publicity" / "mail-rules.yaml"
RULES = parse_rules(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")))

locals_ = st.from_regex(r"[a-z0-9][a-z0-9_\-]{0,20}(\.[a-z0-9_\-]{1,10}){0,2}", fullmatch=True)
tags = st.from_regex(r"[a-z0-9\-]{1,12}", fullmatch=True)
domains = st.sampled_from(["example.org", "mail.example.net", "gmail.com", "googlemail.com",
                           "outlook.com", "yandex.ru", "ya.ru", "xn--80ak6aa92e.com"])


@given(local=locals_, domain=domains)
def test_canonicalising_twice_changes_nothing(local: str, domain: str) -> None:
    once = canonical_contact(f"{local}@{domain}", RULES)
    assert canonical_contact(once, RULES) == once


@given(local=locals_, domain=domains)
def test_case_never_makes_two_people(local: str, domain: str) -> None:
    assert (canonical_contact(f"{local.upper()}@{domain.upper()}", RULES)
            == canonical_contact(f"{local}@{domain}", RULES))


@given(local=locals_, tag=tags)
def test_gmail_ignores_dots_tags_and_its_alias_domain(local: str, tag: str) -> None:
    letters = local.replace(".", "")[:20]  # dotted, it stays within 64 characters
    plain = canonical_contact(f"{letters}@gmail.com", RULES)
    dotted = ".".join(letters)
    assert canonical_contact(f"{dotted}+{tag}@googlemail.com", RULES) == plain


@given(local=locals_, tag=tags)
def test_a_domain_without_a_rule_keeps_dots_and_tags(local: str, tag: str) -> None:
    """Merging two people would silence one: what no rule says is kept."""
    assert canonical_contact(f"{local}+{tag}@example.org", RULES) == f"{local}+{tag}@example.org"
    if "." in local:
        assert (canonical_contact(f"{local}@example.org", RULES)
                != canonical_contact(f"{local.replace('.', '')}@example.org", RULES))


def test_outlook_keeps_dots_but_drops_tags() -> None:
    assert canonical_contact("Jane.Doe+peace@Outlook.com", RULES) == "jane.doe@outlook.com"
    assert canonical_contact("janedoe@outlook.com", RULES) == "janedoe@outlook.com"


def test_national_yandex_domains_are_one_mailbox() -> None:
    assert canonical_contact("ivan+mir@ya.ru", RULES) == canonical_contact(
        "IVAN@yandex.com", RULES) == "ivan@yandex.ru"


def test_an_internationalised_domain_is_compared_by_its_a_label() -> None:
    assert canonical_contact("мир@пример.рф", RULES) == "мир@xn--e1afmkfd.xn--p1ai"


@given(local=locals_, domain=domains)
def test_a_canonical_contact_is_at_its_domain_s_canonical_domain(local: str, domain: str) -> None:
    """What an invalidation by domain relies on: it matches canonical contacts by this."""
    for spelling in (domain, domain.upper(), domain + "."):
        assert (canonical_contact(f"{local}@{domain}", RULES).rpartition("@")[2]
                == canonical_domain(spelling, RULES))


def test_a_canonical_domain_follows_aliases_and_a_labels() -> None:
    assert canonical_domain("GoogleMail.com", RULES) == "gmail.com"
    assert canonical_domain("bücher.de", RULES) == "xn--bcher-kva.de"
    with pytest.raises(ContactError, match="not a domain name that can receive mail"):
        canonical_domain("localhost", RULES)


def test_a_case_sensitive_domain_keeps_case() -> None:
    rules = parse_rules({"version": "t", "default": {},
                         "domains": {"strict.example": {"case_sensitive": True}}})
    assert canonical_contact("Jane@Strict.Example", rules) == "Jane@strict.example"


@pytest.mark.parametrize(("address", "message"), [
    ("", "looks like name@example.org"),
    ("jane", "looks like name@example.org"),
    ("jane@", "looks like name@example.org"),
    ("@example.org", "looks like name@example.org"),
    ("ja ne@example.org", "is not the part of an e-mail address before the @"),
    ("jane..doe@example.org", "misplaced dot"),
    (".jane@example.org", "misplaced dot"),
    ("jane@localhost", "not a .*domain name"),
    ("jane@exa_mple.org", "not a .*domain name"),
    ("jane@-example.org", "not a .*domain name"),
    ("a" * 65 + "@example.org", "before the @"),
    ("jane@" + "a" * 250 + ".org", "at most 254"),
    ("+peace@gmail.com", "nothing before its tag"),
    ("jane.+x@outlook.com", "misplaced dot"),
])
def test_bad_addresses_are_named(address: str, message: str) -> None:
    with pytest.raises(ContactError, match=message):
        canonical_contact(address, RULES)


@pytest.mark.parametrize(("document", "message"), [
    ([], "exactly: version, default, domains"),
    ({"version": "", "default": {}, "domains": {}}, "version: a non-empty string"),
    ({"version": "v", "default": {"alias_of": "gmail.com"}, "domains": {}}, "cannot be an alias"),
    ({"version": "v", "default": {"colour": "red"}, "domains": {}}, "only the fields"),
    ({"version": "v", "default": {}, "domains": {"a.org": {"tag_separators": "x"}}},
     "punctuation other than the dot"),
    ({"version": "v", "default": {}, "domains": {"a.org": {"ignore_dots": "yes"}}},
     "true or false"),
    ({"version": "v", "default": {}, "domains": {"a.org": {"alias_of": "b.org"}}},
     "alias_of b.org must name a domain with a rule of its own"),
    ({"version": "v", "default": {},
      "domains": {"a.org": {"alias_of": "b.org"}, "b.org": {"alias_of": "c.org"},
                  "c.org": {}}}, "not an alias"),
    ({"version": "v", "default": {}, "domains": {"A.org": {}, "a.org": {}}}, "given twice"),
])
def test_bad_rules_are_named(document: object, message: str) -> None:
    with pytest.raises(ContactError, match=message):
        parse_rules(document)


def test_the_published_rules_have_a_version() -> None:
    assert isinstance(RULES, MailRules) and RULES.version == "2026-11-25.1"
    assert RULES.rule("googlemail.com").canonical_domain == "gmail.com"
