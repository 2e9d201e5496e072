"""Every admin action is an act (a release, a publication, a revocation…): it is offered only
to those who may change what it acts on. Staff who may only read a table (an auditor) are
offered none, and may add, change or delete nothing, whatever the table and whatever rule of
its own the table's admin adds; an official with every permission is offered the acts."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory


def _request(user: Any) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _acting(user: Any, model_admin: admin.ModelAdmin[Any]) -> set[str]:
    return set(model_admin.get_actions(_request(user)))


@pytest.mark.django_db
def test_who_may_only_read_a_table_is_offered_no_act_on_it(django_user_model: Any) -> None:
    official = django_user_model.objects.create_superuser("official", "o@example.org", "pw")
    with_acts = 0
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        reader = django_user_model.objects.create_user(f"reader-{meta.label_lower}",
                                                       is_staff=True)
        reader.user_permissions.add(Permission.objects.get(
            content_type__app_label=meta.app_label, codename=f"view_{meta.model_name}"))
        reader = django_user_model.objects.get(pk=reader.pk)  # its permissions read afresh
        assert _acting(reader, model_admin) == set(), meta.label
        request = _request(reader)
        assert model_admin.has_view_permission(request), meta.label
        assert not model_admin.has_add_permission(request), meta.label
        assert not model_admin.has_change_permission(request), meta.label
        assert not model_admin.has_delete_permission(request), meta.label
        own = {name for name in _acting(official, model_admin) if name != "delete_selected"}
        with_acts += bool(own)
    assert with_acts >= 6  # the offers, treaties, demands, tokens, endorsements, webhooks…
