import dataclasses
from decimal import Decimal

from exports.snapshot import canonical_json, fingerprint
from tests.exports.sample import sample_dossier


def test_the_fingerprint_is_a_sha256_of_the_canonical_json():
    snapshot = sample_dossier(3)
    digest = fingerprint(snapshot)
    assert len(digest) == 64
    assert fingerprint(sample_dossier(3)) == digest
    assert canonical_json(snapshot).startswith(b'{"build_date":"2026-11-23"')


def test_the_fingerprint_changes_with_any_figure():
    snapshot = sample_dossier(3)
    member = snapshot.members[1]
    plan = dataclasses.replace(member.plan, grant=member.plan.grant + Decimal("0.01"))
    changed = dataclasses.replace(
        snapshot,
        members=(snapshot.members[0], dataclasses.replace(member, plan=plan), snapshot.members[2]),
    )
    assert fingerprint(changed) != fingerprint(snapshot)


def test_the_same_amount_written_with_fewer_decimals_has_the_same_fingerprint():
    snapshot = sample_dossier(2)
    member = snapshot.members[0]
    plan = dataclasses.replace(member.plan, loan=member.plan.loan.quantize(Decimal("0.0001")))
    same = dataclasses.replace(
        snapshot, members=(dataclasses.replace(member, plan=plan), snapshot.members[1])
    )
    assert fingerprint(same) == fingerprint(snapshot)
