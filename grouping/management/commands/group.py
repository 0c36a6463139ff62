"""``manage.py group CAMPAIGN [--dry-run] [--json]``: run a campaign's grouping.

A thin adapter over ``grouping.runs.run_grouping`` (acting as the system): prints the
proposed bundles and every request left out with its reason, as text or as one JSON
document (amounts as decimal strings in euros, ladder levels counted from 0).
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dossiers.formatting import euros
from dossiers.models import Campaign, FundingRequest
from dossiers.workflow import WorkflowError
from grouping.engine import level_label
from grouping.runs import RunResult, run_grouping


class Command(BaseCommand):
    help = "Regroupe les demandes éligibles d'une campagne en dossiers collectifs."

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="Référence de la campagne, ex. CAMP-2026-001.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Simuler : n'enregistrer aucun dossier."
        )
        parser.add_argument("--json", action="store_true", help="Sortie en un document JSON.")
        parser.add_argument(
            "--kind",
            choices=["loan", "grant"],
            default="loan",
            help="Lignes à regrouper : prêts (dossiers prêteurs, par défaut) ou subventions "
            "(opérations collectives).",
        )
        parser.add_argument(
            "--on",
            type=date.fromisoformat,
            default=None,
            help="Date des paramètres (AAAA-MM-JJ) ; par défaut aujourd'hui.",
        )

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(reference=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"Aucune campagne n'a la référence « {options['campaign']} ».")
        try:
            result = run_grouping(
                campaign,
                actor=None,
                kind=options["kind"],
                dry_run=options["dry_run"],
                on=options["on"],
            )
        except WorkflowError as error:
            raise CommandError(error.text) from error
        references = dict(
            FundingRequest.objects.filter(campaign=campaign).values_list("pk", "reference")
        )
        if options["json"]:
            self.stdout.write(json.dumps(as_document(result, references), ensure_ascii=False))
        else:
            self.stdout.write(as_text(result, references))


def as_document(result: RunResult, references: dict[int, str]) -> dict:
    run = result.run
    return {
        "run": run.pk,
        "campaign": run.campaign.reference,
        "kind": run.kind,
        "dry_run": run.dry_run,
        "on": run.on.isoformat(),
        "counts": {
            "eligible": run.eligible_count,
            "placed": run.placed_count,
            "unplaced": run.unplaced_count,
            "bundles": run.bundle_count,
            "kept": run.kept_count,
            "superseded": run.superseded_count,
        },
        "bundles": [
            {
                "reference": bundle.reference,
                "key": list(bundle.key),
                "description": bundle.description,
                "level": bundle.level,
                "level_label": bundle.level_label,
                "members": len(bundle.member_ids),
                "requests": [references[pk] for pk in bundle.member_ids],
                "loan_total": str(bundle.loan_total),
                "grant_total": str(bundle.grant_total),
            }
            for bundle in result.bundles()
        ],
        "unplaced": [
            {
                "request": references[unplaced.request_id],
                "code": unplaced.code.value,
                "reason": unplaced.reason,
            }
            for unplaced in result.unplaced
        ],
    }


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def as_text(result: RunResult, references: dict[int, str]) -> str:
    run, policy = result.run, result.policy
    kind = "Simulation" if run.dry_run else "Regroupement"
    steps = ", puis ".join(level_label(*step) for step in policy.ladder)
    lines = [
        f"{kind} n° {run.pk} de la campagne {run.campaign.reference}"
        + (" — rien n'est enregistré" if run.dry_run else ""),
        f"Clé : {steps} ; {policy.min_members} à {policy.max_members} membres ; "
        f"minimum prêteur {euros(policy.lender_minimum / 100)} ({run.policy['funder']['name']}).",
        f"Demandes éligibles : {run.eligible_count} ; placées : {run.placed_count} dans "
        f"{_plural(run.bundle_count, 'dossier')} ; sans dossier : {run.unplaced_count}."
        + (
            f" Propositions précédentes conservées : {run.kept_count}, remplacées : "
            f"{run.superseded_count}."
            if run.kept_count or run.superseded_count
            else ""
        ),
    ]
    if run.bundle_count:
        lines += ["", "Dossiers proposés :"]
    for bundle in result.bundles():
        lines += [
            f"  {bundle.reference or '(simulation)'}  {bundle.description}",
            f"      étape {bundle.level + 1} ({bundle.level_label}) · "
            f"{_plural(len(bundle.member_ids), 'membre')} · prêts {euros(bundle.loan_total)} · "
            f"subventions {euros(bundle.grant_total)}",
            "      " + ", ".join(references[pk] for pk in bundle.member_ids),
        ]
    if result.unplaced:
        lines += ["", "Demandes sans dossier :"]
    for unplaced in result.unplaced:
        lines.append(f"  {references[unplaced.request_id]}  [{unplaced.code}] {unplaced.reason}")
    return "\n".join(lines)
