"""What every app's back office shares: acts recorded once through their service, never edited;
JSON fields judged as what normally writes them judges them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.forms.fields import InvalidJSONInput
from django.http import HttpRequest

from openpeace.core.documents import DocumentError, Problem, json_document
from openpeace.core.text import document_problem

_T = TypeVar("_T")

Judge = Callable[[object], Iterable[Problem]]
"""What judges a JSON field's value where it is normally written (a service, a file's reader):
every problem, each at its path in the field (`sources[1].url`)."""

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


class _TriedOnly(Exception):
    """Rolls back an act that was only tried, to validate a form."""


class ReadOnly(admin.ModelAdmin[Any]):
    """Rows that only the services write (acts, their outcomes, deliveries): officials read
    them here, and never add, edit or delete them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PersonalData(admin.ModelAdmin[Any]):
    """Rows that hold a person's contact data (an address, a name, where they wrote from): only
    staff who may change the model (the officials who review and act on the rows) see those
    fields, in the list or a row's page, and only they search or filter by them, since a row
    found by an address tells whether that address is there. Staff who may only view the model
    see the rest. The permission is Django's own, not `has_change_permission`, which the
    read-only admins deny to everyone."""

    personal_fields: tuple[str, ...] = ()
    """The fields that name, reach or locate a person."""

    def sees_personal_data(self, request: HttpRequest) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")

    def _personal(self, name: object) -> bool:
        """Whether a column, search field (`^contact`) or lookup (`contact__iexact`) is one."""
        return (isinstance(name, str)
                and name.lstrip("^=@").split(LOOKUP_SEP)[0] in self.personal_fields)

    def _shown(self, request: HttpRequest, names: Sequence[_T]) -> list[_T]:
        """`names` (columns, search fields, a page's fields) less the personal ones, unless
        the user sees them."""
        sees = self.sees_personal_data(request)
        return [name for name in names if sees or not self._personal(name)]

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        return self._shown(request, super().get_list_display(request))

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return self._shown(request, super().get_search_fields(request))

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self._shown(request, super().get_fields(request, obj))

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        """A filter in the list's URL (`?contact__iexact=…`) finds rows as a search does."""
        if self._personal(lookup) and not self.sees_personal_data(request):
            return False
        return super().lookup_allowed(lookup, value, request)


class JudgedJSONField(forms.JSONField):
    """A model's JSON field as an official edits it: read as every file is read
    (`core.documents.json_document`: nested no deeper than any document here), its keys and
    strings held to what a public text may hold (`core.text.document_problem`, which every
    file's reader judges first), then judged by `judge`, each problem at its path in the field.
    Emptied where the model allows it, it is what the model's default is (where the model does
    not, Django refuses it as required).

    Django's own field only checks that the text is JSON: a document nested too deep for its
    parser made the page fail, and so did showing back a lone surrogate (a JSON `"\\ud800"`,
    which no UTF-8 page can hold), which is now shown back as it was typed, escaped."""

    def __init__(self, *, at: str, what: str, default: Callable[[], object],
                 judge: Judge | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.at = at
        """The field's name, where its problems' paths start."""
        self.what = what
        """The field in a sentence ("the demarcation geometry")."""
        self.default = default
        self.judge = judge

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value not in self.empty_values and not self.disabled:
            try:
                json_document(value)
            except DocumentError as error:
                raise ValidationError([f"{self.at}: {problem.message}"
                                       for problem in error.problems]) from None
            except json.JSONDecodeError:
                pass  # Django's own refusal says so
        return super().to_python(value)

    def bound_data(self, data: Any, initial: Any) -> Any:
        try:
            return super().bound_data(data, initial)
        except RecursionError:  # too deep for the parser: shown back as typed
            return InvalidJSONInput(data)

    def prepare_value(self, value: Any) -> Any:
        shown = super().prepare_value(value)
        if isinstance(shown, InvalidJSONInput):
            return shown
        return _LONE_SURROGATE.sub(lambda found: f"\\u{ord(found[0]):04x}", shown)

    def clean(self, value: Any) -> Any:
        document = super().clean(value)
        if document is None:
            document = self.default()
        if problem := document_problem({self.at: document}, self.what):
            raise ValidationError(f"{self.at}: {problem}")
        if self.judge is not None and (problems := list(self.judge(document))):
            raise ValidationError([str(problem) for problem in problems])
        return document


class JudgesJSON(admin.ModelAdmin[Any]):
    """An admin whose editable JSON fields are `JudgedJSONField`s: what Django would save as long
    as it is JSON (a list where an object belongs, a `javascript:` URL, a lone surrogate) is
    refused at the field, as the service or file reader that normally writes it would refuse it,
    and not published as is, nor refused later far from the field."""

    json_judges: ClassVar[Mapping[str, Judge]] = {}
    """Each JSON field's judge beyond its characters, by name: the function its service or file
    reader calls. A field without one is judged by the service the admin records through
    (`RecordedThroughServices`) or by its form's own `clean_<field>`."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest,
                              **kwargs: Any) -> Any:
        if isinstance(db_field, models.JSONField):
            kwargs = {"form_class": JudgedJSONField, "at": db_field.name,
                      "what": f"the {db_field.verbose_name}", "default": db_field.get_default,
                      "judge": self.json_judges.get(db_field.name), **kwargs}
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class RecordedThroughServices(JudgesJSON):
    """An act recorded once, through its service (which writes its log entry), never edited."""

    exclude = ["entry"]
    refusals: tuple[type[Exception], ...] = ()
    """The service's refusals, shown as form errors (each names what is wrong); at the field
    a refusal names in its `field` attribute, if the form has that field."""

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Nothing is saved here: `save_related` records the act with everything the form has."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        form.instance = self.record(form.cleaned_data)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        """A form whose validation tries the act in a savepoint that is always rolled back,
        so a refusal (an impossible calendar, a decision without its source) is a form error."""
        form_class = super().get_form(request, obj, change, **kwargs)
        record, refusals = self.record, self.refusals

        # ignore: a subclass of the form class `get_form` built at run time (a dynamic base).
        class TriedForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                data: dict[str, Any] = super().clean()
                if self.errors:
                    return data
                try:
                    with transaction.atomic():
                        record(data)
                        raise _TriedOnly
                except _TriedOnly:
                    pass
                except refusals as refused:
                    field = getattr(refused, "field", None)
                    if field not in self.fields:
                        raise ValidationError(str(refused)) from None
                    self.add_error(field, str(refused))
                return data

        return TriedForm

    def record(self, data: dict[str, Any]) -> Any:
        """Record the act through its service; each subclass names its own."""
        raise TypeError(f"{type(self).__name__} names no service")


class LabelledHolderForm(forms.ModelForm[Any]):
    """An account that acts by token as its service issues it: a label the service would refuse
    (`label_problem`, the service's own rule) is said at its field, not left to fail the save;
    and a label changed later is held to the same rule."""

    label_problem: ClassVar[staticmethod[[str], str | None]]

    def clean_label(self) -> str:
        label: str = self.cleaned_data["label"]
        if problem := self.label_problem(label):
            raise forms.ValidationError(problem)
        return label


class IssuesTokens(admin.ModelAdmin[Any]):
    """An account that acts by token (an envoy, a commission): issued here through its service,
    the token shown once to the official and only its hash kept; revoked by an action."""

    readonly_fields = ["issued_at", "revoked_at"]
    actions = ["revoke"]
    holder = "account"
    """Who the token is for, in the official's message."""
    acts_for = ""
    """The field naming whom the account acts for (an envoy's state, a commission's
    nationality): fixed once the token is issued, or the token would act for someone else."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = [self.acts_for] if obj is not None and self.acts_for else []
        return [*self.readonly_fields, *fixed]

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        """Revoking takes the permission to change the accounts as Django grants it, also where
        the admin itself changes nothing (the trustees')."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")

    def issue(self, obj: Any, request: HttpRequest) -> tuple[Any, str]:
        """Issue the account through its service; return it and its token."""
        raise TypeError(f"{type(self).__name__} names no service")

    def revoke_one(self, obj: Any) -> None:
        raise TypeError(f"{type(self).__name__} names no service")

    def save_model(self, request: HttpRequest, obj: Any, form: object, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued, token = self.issue(obj, request)
        obj.pk = issued.pk
        self.message_user(
            request,
            f"Token for {obj.label} (shown once, give it to the {self.holder}): {token}",
            messages.WARNING,
        )

    @admin.action(description="Revoke the token", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.revoke_one(obj)
