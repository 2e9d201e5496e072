"""The Helios peer of `bench/plebiscite.py`: Helios's own crypto code encrypts and verifies the
same plebiscite ballots as openpeace, and prints its figures as one JSON object.

Run by the interpreter of `var/bench/helios-venv` (`bench/peers/setup-helios`: pycryptodome),
with a helios-server checkout that is never part of this repository:

    var/bench/helios-venv/bin/python bench/peers/helios_peer.py --helios-src PATH < choices.json

Standard input is `{"choices": [c_0, c_1, …]}`, each the option (0, 1 or 2) of one ballot.

Helios's package `helios/__init__.py` and `helios/utils.py` import Django, its crypto modules do
not otherwise: so this loads `helios/crypto/utils.py`, `algs.py` and `electionalgs.py` by path,
unchanged, under their own module names, beside two empty packages `helios` and `helios.crypto`
and a stub `helios.utils` that holds only the `to_json` they import (Helios's definition:
`json.dumps(d, sort_keys=True)`; serialisation is not timed). The group is Helios's production
one, `ELGAMAL_PARAMS` (2048-bit p, 256-bit q), read from `helios/views.py` without running it.

The question has 3 answers with min 1 and max 1, i.e. exactly one chosen, as openpeace's.
Encryption is `EncryptedAnswer.fromElectionAndAnswer`: per answer ElGamal encryption of g^0 or
g^1 and a disjunctive Chaum–Pedersen proof (0 or 1), then the overall proof that the sum is in
[min, max] (one branch here). Verification is `EncryptedAnswer.verify(pk, min=1, max=1)`: every
ciphertext's subgroup membership, the individual proofs and the overall proof, 48 modular
exponentiations. (The Django app verifies cast votes with a copy of these algorithms in
`helios/workflows/homomorphic.py` that skips the ciphertexts' subgroup check, 6 of the 48.)
Helios does not sign ballots; openpeace also signs and verifies an Ed25519 signature per ballot.

After timing, the peer multiplies the ballots and decrypts each answer's product with the key,
and checks the counts against the choices.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import subprocess
import sys
import time
import types
from pathlib import Path

ANSWERS = ("separate_state", "join_russia", "join_turkey")


def load_helios_crypto(source: Path) -> tuple[types.ModuleType, types.ModuleType]:
    """Helios's `algs` and `electionalgs` modules, loaded from a checkout without Django."""
    for name in ("helios", "helios.crypto"):
        package = types.ModuleType(name)
        package.__path__ = []
        sys.modules[name] = package
    utils = types.ModuleType("helios.utils")
    utils.to_json = lambda d: json.dumps(d, sort_keys=True)  # type: ignore[attr-defined]
    sys.modules["helios.utils"] = utils
    loaded = []
    for name in ("utils", "algs", "electionalgs"):
        spec = importlib.util.spec_from_file_location(
            f"helios.crypto.{name}", source / "helios" / "crypto" / f"{name}.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        setattr(sys.modules["helios.crypto"], name, module)
        loaded.append(module)
    return loaded[1], loaded[2]


def production_group(source: Path) -> dict[str, int]:
    """p, q and g as `helios/views.py` assigns them to `ELGAMAL_PARAMS`."""
    found = {}
    for node in ast.walk(ast.parse((source / "helios" / "views.py").read_text())):
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(target := node.targets[0], ast.Attribute)
                and isinstance(target.value, ast.Name) and target.value.id == "ELGAMAL_PARAMS"
                and isinstance(node.value, ast.Constant)):
            found[target.attr] = node.value.value
    assert set(found) == {"p", "q", "g"}, f"ELGAMAL_PARAMS not found in helios/views.py: {found}"
    return found


def checkout_commit(source: Path) -> str:
    """The short commit of the checkout, to name what was measured."""
    run = subprocess.run(["git", "-C", str(source), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True, check=False)
    return f"@{run.stdout.strip()}" if run.returncode == 0 else "(commit unknown)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--helios-src", type=Path, required=True,
                        help="a helios-server checkout")
    arguments = parser.parse_args()
    choices = json.load(sys.stdin)["choices"]
    algs, electionalgs = load_helios_crypto(arguments.helios_src)
    group = production_group(arguments.helios_src)
    keys = algs.EGKeyPair()
    keys.generate(group["p"], group["q"], group["g"])
    pk = keys.pk
    election = types.SimpleNamespace(
        public_key=pk, questions=[{"answers": list(ANSWERS), "min": 1, "max": 1}]
    )
    answer = electionalgs.EncryptedAnswer

    cpu, wall = time.process_time(), time.perf_counter()
    ballots = [answer.fromElectionAndAnswer(election, 0, [c]) for c in choices]
    encrypt_cpu, encrypt_wall = time.process_time() - cpu, time.perf_counter() - wall

    cpu, wall = time.process_time(), time.perf_counter()
    valid = [b.verify(pk, min=1, max=1) for b in ballots]
    verify_cpu, verify_wall = time.process_time() - cpu, time.perf_counter() - wall
    assert all(valid), "a ballot Helios encrypted does not verify"

    for option, name in enumerate(ANSWERS):
        product = 1
        for ballot in ballots:
            product = ballot.choices[option] * product
        expected = pow(pk.g, choices.count(option), pk.p)
        assert keys.sk.decrypt(product).m == expected, f"wrong count for {name}"

    json.dump({
        "peer": f"Helios {checkout_commit(arguments.helios_src)} (helios/crypto)",
        "python": sys.version.split()[0],
        "ballots": len(choices),
        "encrypt_cpu": encrypt_cpu, "encrypt_wall": encrypt_wall,
        "verify_cpu": verify_cpu, "verify_wall": verify_wall,
    }, sys.stdout)


if __name__ == "__main__":
    main()
