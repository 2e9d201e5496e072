"""One person once: the canonical form of an e-mail contact, by mail-domain rules kept as data.

An endorsement counts once per person, and a person is known here only by a mailbox. Many
domains deliver several spellings to one mailbox: `Jane.Doe+peace@GMail.com` and
`janedoe@googlemail.com` are the same person. The rules that say so differ by domain, so they
are data (`publicity/mail-rules.yaml`), versioned and published, and every endorsement records
the version it was canonicalised under. Anything a rule does not say is kept: merging two
different people would silence one of them, while failing to merge two spellings of one
person is caught by the confirmation step (each spelling must be confirmed from the mailbox).

What every domain shares (RFC 5321 §2.4, RFC 5890): the domain is case-insensitive, and an
internationalised domain is compared in its A-label (punycode) form. The local part is
compared without case unless a domain's rule says it is case-sensitive: no large provider
distinguishes case, and RFC 5321 advises against relying on it.

Used by the `publicity` app, which enforces the canonical contact's uniqueness in the
database; this module never imports Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_ADDRESS = 254  # RFC 5321 §4.5.3.1.3, as a path less its angle brackets
MAX_LOCAL = 64  # RFC 5321 §4.5.3.1.1
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-\u0080-\U0010FFFF]+")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


class ContactError(ValueError):
    """An address that is not an e-mail address, or rules that are not valid."""


@dataclass(frozen=True)
class DomainRule:
    """How one domain spells one mailbox several ways."""

    ignore_dots: bool = False
    """`j.doe` and `jdoe` are one mailbox (Gmail)."""
    tag_separators: str = ""
    """Characters that start a tag the domain ignores: `+` (`jdoe+peace` is `jdoe`)."""
    case_sensitive: bool = False
    canonical_domain: str | None = None
    """The domain this one is an alias of (`googlemail.com` → `gmail.com`)."""


@dataclass(frozen=True)
class MailRules:
    """A published, versioned set of domain rules."""

    version: str
    domains: Mapping[str, DomainRule] = field(default_factory=dict)
    default: DomainRule = DomainRule()

    def rule(self, domain: str) -> DomainRule:
        return self.domains.get(domain, self.default)


def _domain(text: str) -> str:
    try:
        ascii_domain = text.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ContactError(f"{text!r} is not a valid domain name") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ContactError(f"{text!r} is not a domain name that can receive mail")
    return ascii_domain


def split_address(address: str) -> tuple[str, str]:
    """The local part and the (A-label, lower-case) domain; `ContactError` if `address` is not
    a plain e-mail address (no display name, no comments, no quoted local part)."""
    address = address.strip()
    if len(address) > MAX_ADDRESS:
        raise ContactError(f"an e-mail address has at most {MAX_ADDRESS} characters")
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise ContactError("an e-mail address looks like name@example.org")
    if len(local) > MAX_LOCAL or not _LOCAL.fullmatch(local):
        raise ContactError(f"{local!r} is not the part of an e-mail address before the @")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise ContactError(f"{local!r} has a misplaced dot")
    return local, _domain(domain)


def _unaliased(domain: str, rules: MailRules) -> str:
    return rules.rule(domain).canonical_domain or domain


def canonical_domain(domain: str, rules: MailRules) -> str:
    """The one spelling of a mail domain under `rules` (its A-label in lower case, and the
    domain it is an alias of): the domain part of every canonical contact at `domain`."""
    return _unaliased(_domain(domain), rules)


def canonical_contact(address: str, rules: MailRules) -> str:
    """The one spelling of the mailbox `address` reaches, under `rules`."""
    local, domain = split_address(address)
    domain = _unaliased(domain, rules)
    rule = rules.rule(domain)
    for separator in rule.tag_separators:
        local = local.split(separator, 1)[0]
    if rule.ignore_dots:
        local = local.replace(".", "")
    if not rule.case_sensitive:
        local = local.lower()
    if not local:
        raise ContactError("the address has nothing before its tag")
    split_address(f"{local}@{domain}")  # still an address, so canonicalising twice is a no-op
    return f"{local}@{domain}"


_RULE_FIELDS = {"ignore_dots", "tag_separators", "case_sensitive", "alias_of"}


def _rule(value: Any, where: str) -> DomainRule:
    if not isinstance(value, dict) or not set(value) <= _RULE_FIELDS:
        raise ContactError(f"{where}: a rule has only the fields {sorted(_RULE_FIELDS)}")
    ignore_dots = value.get("ignore_dots", False)
    separators = value.get("tag_separators", "")
    case_sensitive = value.get("case_sensitive", False)
    if not isinstance(ignore_dots, bool) or not isinstance(case_sensitive, bool):
        raise ContactError(f"{where}: ignore_dots and case_sensitive are true or false")
    if not isinstance(separators, str) or any(c.isalnum() or c == "." for c in separators):
        raise ContactError(f"{where}: tag_separators are punctuation other than the dot")
    alias = value.get("alias_of")
    if alias is not None:
        if not isinstance(alias, str):
            raise ContactError(f"{where}: alias_of is a domain name")
        alias = _domain(alias)
    return DomainRule(ignore_dots, separators, case_sensitive, alias)


def parse_rules(document: Any) -> MailRules:
    """The rules from their document (`version`, `default`, `domains: {domain: rule}`), each
    problem named by its path. An alias must point at a domain with a rule of its own and not
    at another alias, so that canonicalising twice changes nothing."""
    if not isinstance(document, dict) or set(document) != {"version", "default", "domains"}:
        raise ContactError("mail rules have exactly: version, default, domains")
    version = document["version"]
    if not isinstance(version, str) or not version.strip():
        raise ContactError("version: a non-empty string")
    if not isinstance(document["domains"], dict):
        raise ContactError("domains: a mapping from domain to rule")
    default = _rule(document["default"], "default")
    if default.canonical_domain is not None:
        raise ContactError("default: cannot be an alias")
    domains: dict[str, DomainRule] = {}
    for name, value in document["domains"].items():
        domain = _domain(str(name))
        if domain in domains:
            raise ContactError(f"domains.{name}: given twice")
        domains[domain] = _rule(value, f"domains.{name}")
    for name, rule in domains.items():
        target = rule.canonical_domain
        if target is not None and (target not in domains
                                   or domains[target].canonical_domain is not None):
            raise ContactError(f"domains.{name}: alias_of {target} must name a domain with a "
                               "rule of its own, not an alias")
    return MailRules(version.strip(), domains, default)
