"""`openpeace endorsements open|dispatch|tally|recount|invalidate|pseudonymise`: the officials'
and the workers' side of the endorsements.

- `open OFFER --until DATE`: open the endorsements of a released offer (logged).
- `dispatch [--follow] [--interval S]`: what each new submission is owed, in batches: the
  anomaly checks, then its mail, queued as `endorsement_mails` tasks (`openpeace serve` runs
  it with --follow, every second). Only checked endorsements that are not suspect are mailed:
  one that came after the round's checks waits for the next round, a suspect's waits for an
  official's release.
- `tally [--follow]`: publish each open offer's counts (the periodic job; `openpeace serve`
  runs it with --follow, every `OPENPEACE_TALLY_INTERVAL` seconds); with --follow it also
  recounts each offer once a day, and pseudonymises the endorsements of closed periods.
- `recount [OFFER]`: the full recount now; exits non-zero, loudly, if it does not match.
- `invalidate OFFER --network CIDR|--domain D|--country K|--region K|… --reason TEXT
  --official USER`: an audited bulk invalidation (logged).
- `pseudonymise OFFER`: drop the contact data of a closed period now.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from openpeace.diplomacy.models import Offer
from openpeace.publicity import services
from openpeace.publicity.models import EndorsementPeriod, TallySnapshot
from openpeace.publicity.outbox import catch_up
from openpeace.worker import repeat, worker_arguments

DAY = dt.timedelta(days=1)


def _offer(key: str) -> Offer:
    try:
        return Offer.objects.get(key=key, released_at__isnull=False)
    except Offer.DoesNotExist:
        raise CommandError(f"no released offer with key {key!r}") from None


class Command(BaseCommand):
    help = "Endorsements: open a period, tally, recount, invalidate, pseudonymise."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        opening = sub.add_parser("open", help="open the endorsements of a released offer")
        opening.add_argument("offer")
        opening.add_argument("--until", required=True, type=dt.date.fromisoformat,
                             help="the last day (YYYY-MM-DD) one may endorse")
        dispatch = sub.add_parser("dispatch", help="check new submissions, queue their mails")
        worker_arguments(dispatch, interval=1.0)
        tally = sub.add_parser("tally", help="publish the counts (the periodic job)")
        worker_arguments(tally, interval=settings.OPENPEACE_TALLY_INTERVAL)
        recount = sub.add_parser("recount", help="recount now, and compare")
        recount.add_argument("offer", nargs="?")
        invalidate = sub.add_parser("invalidate", help="an audited bulk invalidation")
        invalidate.add_argument("offer")
        for criterion in services.INVALIDATION_CRITERIA:
            invalidate.add_argument(f"--{criterion.replace('_', '-')}", dest=criterion)
        invalidate.add_argument("--reason", required=True)
        invalidate.add_argument("--official", required=True, help="the official's username")
        pseudo = sub.add_parser("pseudonymise", help="drop contact data after the period")
        pseudo.add_argument("offer")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"do_{action}")(**options)
        except services.EndorsementRefused as refused:
            raise CommandError(str(refused)) from None

    def do_open(self, *, offer: str, until: dt.date, **_: Any) -> None:
        closes = dt.datetime.combine(until + DAY, dt.time(), tzinfo=dt.UTC)
        services.endorsement_period_open(offer=_offer(offer), closes_at=closes)
        self.stdout.write(f"The endorsements of {offer} are open until {until} (UTC).")

    def do_dispatch(self, *, follow: bool, interval: float, **_: Any) -> None:
        def round_(stop: threading.Event) -> None:
            checked = catch_up(lambda: services.endorsements_check(), stop)
            queued = services.endorsement_mails_dispatch()
            if checked or queued:
                self.stdout.write(f"{checked} submissions checked, {queued} mails queued")
                self.stdout.flush()

        repeat(round_, interval=interval, follow=follow)

    def do_tally(self, *, follow: bool, interval: float, **_: Any) -> None:
        def round_(stop: threading.Event) -> None:
            now = timezone.now()
            for period in EndorsementPeriod.objects.select_related("offer"):
                offer = period.offer
                snapshot = services.tally_run(offer=offer, at=now)
                if snapshot is not None:
                    self.stdout.write(f"{offer.key}: {snapshot.total} endorsements")
                if follow and self._recount_due(offer, now):
                    self._recount(offer)
                if follow and now >= period.closes_at:
                    services.endorsements_pseudonymise(offer=offer, at=now)

        repeat(round_, interval=interval, follow=follow)

    @staticmethod
    def _recount_due(offer: Offer, now: dt.datetime) -> bool:
        last = (TallySnapshot.objects.filter(offer=offer, kind=TallySnapshot.Kind.RECOUNT)
                .order_by("-taken_at").values_list("taken_at", flat=True).first())
        return last is None or now - last >= DAY

    def _recount(self, offer: Offer) -> bool:
        snapshot = services.tally_recount(offer=offer)
        if snapshot.matches:
            self.stdout.write(f"{offer.key}: the recount matches ({snapshot.total})")
        else:
            self.stderr.write(f"{offer.key}: THE RECOUNT DOES NOT MATCH THE TALLY; the counts "
                              f"are set to the recount ({snapshot.total})")
        return bool(snapshot.matches)

    def do_recount(self, *, offer: str | None, **_: Any) -> None:
        offers = ([_offer(offer)] if offer else
                  [p.offer for p in EndorsementPeriod.objects.select_related("offer")])
        if not all([self._recount(o) for o in offers]):
            raise CommandError("a recount did not match the tally")

    def do_invalidate(self, *, offer: str, reason: str, official: str, **options: Any) -> None:
        try:
            user = get_user_model().objects.get(username=official)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no official with username {official!r}") from None
        criteria = {c: options[c] for c in services.INVALIDATION_CRITERIA if options.get(c)}
        done = services.endorsements_invalidate(offer=_offer(offer), criteria=criteria,
                                                reason=reason, official=user)
        self.stdout.write(f"{done.count} endorsements invalidated (logged).")

    def do_pseudonymise(self, *, offer: str, **_: Any) -> None:
        count = services.endorsements_pseudonymise(offer=_offer(offer))
        self.stdout.write(f"{count} endorsements pseudonymised.")
