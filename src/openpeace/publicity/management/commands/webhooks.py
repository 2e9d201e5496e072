"""`openpeace webhooks add|kinds|list|disable|enable|retry|deliveries|run`: the officials' and
the worker's side of the outbound webhooks (docs/notifications.md).

- `add URL --events TYPE… [--state KEY…] [--description TEXT] [--official USER]`: register a
  subscription to the acts integrated from now on; its signing secret is printed once. Each
  event type must match a kind of public act.
- `kinds`: the kinds of public act (`log.kinds.KINDS`), the event types a subscription can name.
- `list`: every subscription, active or not, with its deliveries per status.
- `disable ID --reason TEXT`, `enable ID`: stop (its open deliveries are given up) or resume.
- `retry ID`: attempt an active subscription's given-up deliveries again.
- `deliveries [ID] [--status S] [--limit N]`: the latest deliveries and their state.
- `run [--follow] [--interval S]`: fan the new log entries out into deliveries and queue the
  due ones for the task queue's workers (`openpeace serve` runs it with --follow).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpeace.log.kinds import KINDS
from openpeace.publicity.outbox import sender_round
from openpeace.publicity.webhooks import selectors, services
from openpeace.publicity.webhooks.models import WebhookDelivery, WebhookSubscription
from openpeace.worker import repeat, verbose, worker_arguments


def _subscription(pk: int) -> WebhookSubscription:
    try:
        return WebhookSubscription.objects.get(pk=pk)
    except WebhookSubscription.DoesNotExist:
        raise CommandError(f"no webhook subscription {pk}") from None


class Command(BaseCommand):
    help = "Outbound webhooks: register, list, disable, enable, see deliveries, run the sender."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="register a subscription; prints its secret once")
        add.add_argument("url")
        add.add_argument("--events", nargs="+", required=True, metavar="TYPE",
                         help='entry kinds ("offer.released"), prefixes ("treaty."), or "*"; '
                              '`openpeace webhooks kinds` lists the kinds')
        add.add_argument("--state", nargs="+", default=[], metavar="KEY",
                         help="only acts concerning one of these states")
        add.add_argument("--description", default="")
        add.add_argument("--official", help="the official's username, for the record")
        sub.add_parser("kinds", help="the kinds of public act a subscription can name")
        sub.add_parser("list", help="every subscription and its deliveries per status")
        disable = sub.add_parser("disable", help="stop a subscription")
        disable.add_argument("subscription", type=int, metavar="ID")
        disable.add_argument("--reason", required=True)
        enable = sub.add_parser("enable", help="resume a disabled subscription")
        enable.add_argument("subscription", type=int, metavar="ID")
        retry = sub.add_parser("retry", help="attempt a subscription's given-up deliveries again")
        retry.add_argument("subscription", type=int, metavar="ID")
        deliveries = sub.add_parser("deliveries", help="the latest deliveries and their state")
        deliveries.add_argument("subscription", type=int, nargs="?", metavar="ID")
        deliveries.add_argument("--status", choices=WebhookDelivery.Status.values, default="")
        deliveries.add_argument("--limit", type=int, default=50)
        run = sub.add_parser("run", help="fan out new acts and queue the due deliveries")
        worker_arguments(run, interval=1.0)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"do_{action}")(**options)
        except services.WebhookRefused as refused:
            raise CommandError(str(refused)) from None

    def do_add(self, *, url: str, events: list[str], state: list[str], description: str,
               official: str | None, **_: Any) -> None:
        user = None
        if official:
            try:
                user = get_user_model().objects.get(username=official)
            except get_user_model().DoesNotExist:
                raise CommandError(f"no official with username {official!r}") from None
        registered = services.subscription_register(url=url, event_types=events, states=state,
                                                    description=description, official=user)
        self.stdout.write(f"Webhook {registered.subscription.pk} registered: {url}\n"
                          f"Its signing secret (shown once; give it to the receiver):\n"
                          f"{registered.secret}")

    def do_kinds(self, **_: Any) -> None:
        for kind in sorted(KINDS):
            self.stdout.write(kind)

    def do_list(self, **_: Any) -> None:
        for subscription in WebhookSubscription.objects.order_by("pk"):
            counts = selectors.delivery_counts(subscription)
            state = ("active" if subscription.active
                     else f"disabled ({subscription.disabled_reason})")
            self.stdout.write(
                f"{subscription.pk}\t{subscription.url}\t{' '.join(subscription.event_types)}"
                f"\t{' '.join(subscription.states) or '-'}\t{state}\t"
                + " ".join(f"{status}={n}" for status, n in counts.items()))

    def do_disable(self, *, subscription: int, reason: str, **_: Any) -> None:
        given_up = services.subscription_disable(subscription=_subscription(subscription),
                                                 reason=reason)
        self.stdout.write(f"Webhook {subscription} disabled; {given_up} open deliveries given up.")

    def do_enable(self, *, subscription: int, **_: Any) -> None:
        services.subscription_enable(subscription=_subscription(subscription))
        self.stdout.write(f"Webhook {subscription} enabled: it receives the acts from now on.")

    def do_retry(self, *, subscription: int, **_: Any) -> None:
        count = services.deliveries_retry(subscription=_subscription(subscription))
        self.stdout.write(f"Webhook {subscription}: {count} given-up deliveries will be attempted "
                          "again.")

    def do_deliveries(self, *, subscription: int | None, status: str, limit: int,
                      **_: Any) -> None:
        if limit < 1:
            raise CommandError("--limit is at least 1")
        of = _subscription(subscription) if subscription is not None else None
        for d in selectors.deliveries_recent(of, status=status, limit=limit):
            self.stdout.write(
                f"{d.subscription_id}\t#{d.entry.index}\t{d.entry.kind}\t{d.status}\t"
                f"attempts={d.attempts}\tlast={d.last_status or '-'}\t{d.last_error or '-'}")

    def do_run(self, *, follow: bool, interval: float, **options: Any) -> None:
        job = sender_round(services.deliveries_fan_out, services.deliveries_dispatch, "deliveries",
                           self.stdout if verbose(options["verbosity"], follow) else None)
        repeat(job, interval=interval, follow=follow)
