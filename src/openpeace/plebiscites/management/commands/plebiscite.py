"""`openpeace plebiscite credentials|vote|trustee|export|demo` (and `verify`, see below).

- `credentials --count N --out DIR`: the offline credential authority; the private credentials
  go to one file (to hand out), the sorted public list to another (to publish); nothing is kept
  and nothing touches the database.
- `vote`: the Python voting client; encrypts a choice with a private credential, then posts the
  ballot to a server (`--url`) or writes it (`--out`).
- `trustee deal|key|answer|decrypt`: a trustee's own client, on its own machine, against the
  server's API with its token (`openpeace.plebiscites.trustee`); its secrets stay in a state
  file there, and nothing touches a database.
- `verify RECORD` is not here: it is the auditor's command, run with the core alone, without
  Django or a database (`openpeace.verify.plebiscite_verify_main`).
- `export ID --out FILE`: writes a plebiscite's record from the database.
- `demo`: the demonstration plebiscite on the 1917 default (see `openpeace.plebiscites.demo`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openpeace.plebiscites import client, trustee


class Command(BaseCommand):
    help = ("Plebiscites: issue credentials, vote, act as a trustee, export a record, run the "
            "demo (`openpeace plebiscite verify RECORD` checks a record without Django).")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        cred = sub.add_parser("credentials", help="the offline credential authority")
        cred.add_argument("--count", type=int, required=True, help="eligible voters")
        cred.add_argument("--out", type=Path, required=True, help="a directory for both files")
        vote = sub.add_parser("vote", help="encrypt and cast (or write) a ballot")
        source = vote.add_mutually_exclusive_group(required=True)
        source.add_argument("--url", help="the server, e.g. https://openpeace.example")
        source.add_argument("--parameters", type=Path, help="the parameters file (offline)")
        vote.add_argument("--plebiscite", type=int, help="its id on the server (with --url)")
        vote.add_argument("--election-hash", help="the hash you expect (hex), to check")
        secret = vote.add_mutually_exclusive_group(required=True)
        secret.add_argument("--credential", help="your private credential, as the credential "
                            "authority handed it to you (base32, in groups of four)")
        secret.add_argument("--credential-file", type=Path, help="a file holding it")
        vote.add_argument("--choice", required=True, help="an option id, e.g. separate_state")
        vote.add_argument("--audit", action="store_true",
                          help="audit this ballot instead of casting it (it is then revealed)")
        vote.add_argument("--out", type=Path, help="write the ballot (JSON) instead of posting")
        self._trustee_arguments(sub.add_parser(
            "trustee", help="a trustee's own client: deal, check shares and compute the key "
            "share, answer complaints, decrypt (its secrets never reach the server)"))
        export = sub.add_parser("export", help="write a plebiscite's election record")
        export.add_argument("plebiscite", type=int)
        export.add_argument("--out", type=Path, required=True)
        demo = sub.add_parser("demo", help="a demonstration plebiscite on the 1917 default")
        demo.add_argument("--voters", type=int, default=10_000)
        demo.add_argument("--audits", type=int, default=5)
        demo.add_argument("--revotes", type=int, default=20)
        demo.add_argument("--record", type=Path, help="also write its record here")

    @staticmethod
    def _trustee_arguments(parser: CommandParser) -> None:
        acts = parser.add_subparsers(dest="act", required=True)
        deal = acts.add_parser("deal", help="draw a polynomial, post the dealing's public part "
                               "and write a share file for each other trustee")
        deal.add_argument("--url", required=True, help="the server, e.g. https://openpeace.example")
        deal.add_argument("--shares-out", type=Path, required=True,
                          help="a directory for the share files, to hand over out of band")
        key = acts.add_parser("key", help="check the shares received and complain of bad ones; "
                              "after the ceremony, compute and keep the key share")
        key.add_argument("shares", type=Path, nargs="*", help="the share files received")
        key.add_argument("--complain-missing", action="store_true",
                         help="also complain of dealers whose share never came")
        answer = acts.add_parser("answer", help="publish the shares other trustees complained "
                                 "of")
        decrypt = acts.add_parser("decrypt", help="decrypt the published tally, with proofs")
        decrypt.add_argument("--processes", type=int, default=1,
                             help="verify the board's ballots in this many processes")
        for act in (deal, key, answer, decrypt):
            act.add_argument("--token-file", type=Path, required=True,
                             help="a file holding the trustee's token")
            act.add_argument("--state", type=Path, required=True,
                             help="the trustee's private state file (made by `deal`)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except client.ClientError as error:
            raise CommandError(str(error)) from None

    def _credentials(self, *, count: int, out: Path, **_: Any) -> None:
        private, public = client.credentials_write(count, out)
        self.stdout.write(
            f"{count} credentials issued.\n  private (hand each to one voter, then destroy "
            f"this file): {private}\n  public (for the commission to publish): {public}"
        )

    def _vote(self, **o: Any) -> None:
        if o["url"] and o["plebiscite"] is None:
            raise CommandError("--url needs --plebiscite")
        election = (client.fetch_parameters(o["url"], o["plebiscite"]) if o["url"]
                    else client.parameters_read(o["parameters"].read_bytes(), None))
        if o["election_hash"] and election.hash.hex() != o["election_hash"]:
            raise CommandError("the election parameters do not have the hash you expect")
        text = o["credential"] or o["credential_file"].read_text(encoding="ascii").strip()
        made = client.vote(election, text, o["choice"])
        body: dict[str, object] = (dict(made.prepared.reveal().to_json()) if o["audit"]
                                   else dict(made.body))
        if o["out"]:
            o["out"].write_text(json.dumps(body) + "\n", encoding="ascii")
            self.stdout.write(f"ballot written to {o['out']}; tracker {made.tracker_text}")
            return
        answer = client.post(o["url"], o["plebiscite"], "audits" if o["audit"] else "ballots",
                             body)
        verb = "audited" if o["audit"] else "cast"
        self.stdout.write(f"ballot {verb} at position {answer['position']}; tracker "
                          f"{made.tracker_text} (find it on the public board)")

    def _trustee(self, *, act: str, token_file: Path, state: Path, **o: Any) -> None:
        token = trustee.token_read(token_file)
        if act == "deal":
            said = trustee.deal(o["url"], token, state, o["shares_out"])
        elif act == "key":
            said = trustee.key(token, state, o["shares"], o["complain_missing"])
        elif act == "answer":
            said = trustee.answer(token, state)
        else:
            said = trustee.decrypt(token, state, max(1, o["processes"]))
        self.stdout.write("\n".join(said))

    def _export(self, *, plebiscite: int, out: Path, **_: Any) -> None:
        from openpeace.plebiscites.models import Plebiscite
        from openpeace.plebiscites.selectors import record_of

        found = Plebiscite.objects.filter(pk=plebiscite).first()
        if found is None:
            raise CommandError(f"no plebiscite {plebiscite}")
        record = record_of(found)
        if record is None:
            raise CommandError(f"plebiscite {plebiscite} has no parameters yet")
        out.write_bytes(record.to_bytes())
        self.stdout.write(f"record of plebiscite {plebiscite} written to {out}")

    def _demo(self, *, voters: int, audits: int, revotes: int, record: Path | None,
              **_: Any) -> None:
        from openpeace.log.services import log_integrate
        from openpeace.plebiscites.demo import demo_plebiscite
        from openpeace.plebiscites.selectors import record_of
        from openpeace.world.services import register_is_empty

        if voters < 1 or audits < 0 or revotes < 0 or audits > voters:
            raise CommandError("need at least one voter, and no more audits than voters")
        if register_is_empty():
            call_command("load_situation", str(settings.OPENPEACE_DEFAULT_SITUATION), quiet=True)
        plebiscite = demo_plebiscite(voters=voters, audits=audits, revotes=revotes,
                                     say=lambda line: self.stdout.write(f"  {line}"))
        while log_integrate() is not None:
            pass
        if record is not None:
            full = record_of(plebiscite)
            assert full is not None
            record.write_bytes(full.to_bytes())
            self.stdout.write(f"record written to {record}")
        self.stdout.write(
            f"plebiscite {plebiscite.pk} decided; check it yourself: "
            f"openpeace plebiscite export {plebiscite.pk} --out record.json && "
            "openpeace plebiscite verify record.json"
        )
