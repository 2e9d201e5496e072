"""Pages read as assistive technology reads them: the ids that name and describe a control.

A screen reader announces a field with the elements its `aria-describedby` names (its help, its
error); an id that no element has is announced as nothing, silently. So a refused field whose
`aria-describedby` points nowhere reads as a field without a problem.
"""

from __future__ import annotations

from html.parser import HTMLParser

REFERRING = ("aria-describedby", "aria-labelledby")


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.referred: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in REFERRING and value:
                self.referred += [(tag, name, ref) for ref in value.split()]
            elif name == "for" and tag == "label" and value:
                self.referred.append((tag, name, value))


def dangling(html: str) -> list[tuple[str, str, str]]:
    """Every (tag, attribute, id) of the page that names an id no element has."""
    parser = _References()
    parser.feed(html)
    return [ref for ref in parser.referred if ref[2] not in parser.ids]


def described(html: str, element_id: str) -> list[str]:
    """The ids the `aria-describedby` of the element `element_id` names."""
    parser = _Described(element_id)
    parser.feed(html)
    return parser.found


class _Described(HTMLParser):
    def __init__(self, element_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.element_id, self.found = element_id, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id") == self.element_id:
            self.found = (values.get("aria-describedby") or "").split()
