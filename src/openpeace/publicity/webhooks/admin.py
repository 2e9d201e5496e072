"""The officials' back office of the webhooks: register a subscription (its secret shown once),
disable or enable it, and see the state of every delivery (per subscription on its page, and
all of them in a list filtered by status and subscription). The public has none of it: the
admin is for staff, and each view also needs the model's permission."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from openpeace.log.kinds import KINDS
from openpeace.publicity.webhooks import selectors, services
from openpeace.publicity.webhooks.models import OPEN, WebhookDelivery, WebhookSubscription
from openpeace.web.admin import ReadOnly
from openpeace.world.models import State


class SubscriptionForm(forms.ModelForm[WebhookSubscription]):
    """The registration form; the service checks it (`services.subscription_check`)."""

    url = forms.URLField(label="URL", max_length=2000, assume_scheme="https",
                         help_text="where each act is POSTed")
    event_types_text = forms.CharField(
        label="Event types",
        help_text='entry kinds ("offer.released"), prefixes ending in a dot ("treaty."), or '
                  '"*" for every act; separated by spaces or commas. The kinds: '
                  + ", ".join(sorted(KINDS)) + ".",
    )
    states_choice = forms.ModelMultipleChoiceField(
        label="Only acts concerning", queryset=State.objects.order_by("name"),
        to_field_name="key", required=False, help_text="none chosen: acts concerning any state",
    )

    class Meta:
        model = WebhookSubscription
        fields = ["url", "description"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        data["event_types"] = str(data.get("event_types_text", "")).replace(",", " ").split()
        data["states"] = [state.key for state in data.get("states_choice") or []]
        if not self.errors:
            try:
                services.subscription_check(url=data["url"], event_types=data["event_types"],
                                            states=data["states"],
                                            description=data.get("description", ""))
            except services.WebhookRefused as refused:
                self.add_error(refused.field if refused.field in self.fields else None,
                               str(refused))
        return data


class ActiveFilter(admin.SimpleListFilter):
    title = "active"
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "active"), ("no", "disabled")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(disabled_at__isnull=self.value() == "yes")
        return queryset


DETAILS = ("url", "event_types", "states", "description", "registered_at", "registered_by",
           "starts_at_index", "disabled_at", "disabled_reason", "deliveries")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin[WebhookSubscription]):
    list_display = ["pk", "url", "event_types", "states", "is_active", "to_deliver", "gave_up",
                    "registered_at"]
    list_filter = [ActiveFilter]
    search_fields = ["url", "description"]
    actions = ["disable", "enable", "retry"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookSubscription]:
        subscriptions: QuerySet[WebhookSubscription] = super().get_queryset(request)
        return subscriptions.annotate(
            open_count=Count("deliveries", filter=Q(deliveries__status__in=OPEN)),
            gave_up_count=Count("deliveries",
                                filter=Q(deliveries__status=WebhookDelivery.Status.GAVE_UP)),
        )

    @admin.display(boolean=True, description="active")
    def is_active(self, obj: WebhookSubscription) -> bool:
        return obj.active

    @admin.display(description="to deliver", ordering="open_count")
    def to_deliver(self, obj: Any) -> int:
        return int(obj.open_count)

    @admin.display(description="given up", ordering="gave_up_count")
    def gave_up(self, obj: Any) -> int:
        return int(obj.gave_up_count)

    @admin.display(description="deliveries")
    def deliveries(self, obj: WebhookSubscription) -> SafeString:
        counts = selectors.delivery_counts(obj)
        listed = reverse("admin:publicity_webhookdelivery_changelist")
        summary = format_html_join(", ", '<a href="{}?subscription__id__exact={}&amp;'
                                   'status__exact={}">{}: {}</a>',
                                   ((listed, obj.pk, status, label, counts[status])
                                    for status, label in WebhookDelivery.Status.choices))
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                                "<td>{}</td><td>{}</td></tr>", (
            (d.entry.index, d.entry.kind, d.get_status_display(), d.attempts,
             d.last_status or "—", d.last_error or "—",
             d.next_attempt_at if d.status in OPEN else d.delivered_at or "—")
            for d in selectors.deliveries_recent(obj, limit=20)))
        return format_html(
            "<p>{}</p><table><thead><tr><th>log index</th><th>act</th><th>status</th>"
            "<th>attempts</th><th>last HTTP status</th><th>last error</th>"
            "<th>next attempt / delivered</th></tr></thead><tbody>{}</tbody></table>",
            summary, rows)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ("url", "event_types_text", "states_choice", "description")
        return DETAILS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return () if obj is None else DETAILS

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = SubscriptionForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request: HttpRequest, obj: WebhookSubscription, form: Any,
                   change: bool) -> None:
        data = form.cleaned_data
        registered = services.subscription_register(
            url=data["url"], event_types=data["event_types"], states=data["states"],
            description=data.get("description", ""), official=request.user)
        obj.pk = registered.subscription.pk
        self.message_user(request, f"Signing secret of webhook {obj.pk} (shown once, give it "
                          f"to the receiver): {registered.secret}", messages.WARNING)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # registered once; disabled or enabled by the actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # kept, with its deliveries, as the record of what was sent

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("publicity.change_webhooksubscription"))

    @admin.action(description="Disable the selected subscriptions", permissions=["manage"])
    def disable(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        for subscription in queryset.filter(disabled_at__isnull=True):
            services.subscription_disable(subscription=subscription,
                                          reason=f"disabled by {request.user.get_username()}")
        self.message_user(request, "Disabled.", messages.SUCCESS)

    @admin.action(description="Enable the selected subscriptions", permissions=["manage"])
    def enable(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        for subscription in queryset.exclude(disabled_at__isnull=True):
            services.subscription_enable(subscription=subscription)
        self.message_user(request, "Enabled.", messages.SUCCESS)

    @admin.action(description="Attempt the given-up deliveries again", permissions=["manage"])
    def retry(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        retried = sum(services.deliveries_retry(subscription=subscription)
                      for subscription in queryset.filter(disabled_at__isnull=True))
        self.message_user(request, f"{retried} given-up deliveries will be attempted again "
                          "(disabled subscriptions are left: enable them first).",
                          messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly):
    list_display = ["subscription", "log_index", "kind", "status", "attempts", "next_attempt_at",
                    "last_status", "last_error", "delivered_at"]
    list_filter = ["status", "subscription"]
    list_select_related = ["subscription", "entry"]
    search_fields = ["entry__kind", "entry__subject"]
    exclude = ["claim"]

    @admin.display(description="log index", ordering="entry__index")
    def log_index(self, obj: WebhookDelivery) -> int | None:
        return obj.entry.index

    @admin.display(description="act", ordering="entry__kind")
    def kind(self, obj: WebhookDelivery) -> str:
        return obj.entry.kind
