"""A funder's decision on one line of one member: ``record_decision``.

Decisions are per member and per line (docs/rules.md#decisions). The EU programme's
managing authority decides grants: an amount no higher than asked, and the date of the
legal act, which is the grant date for de minimis. A lender decides loans with their terms
(amount, duration, rate, deferral) and the guarantee (guarantor, share, guaranteed amount,
fee). A bank cannot decide a grant, an EU authority cannot decide a loan. A decline needs
a reason code and a note. The last decision decides the collective; each decision moves
the member's request along its lines (``grouping.lines.advance``).
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from dossiers.formatting import euros
from dossiers.guards import de_minimis_problems
from dossiers.models import Instrument, MissingParameter, SchemeParameter
from dossiers.workflow import Conflict, Forbidden, Refused
from grouping import guards, permissions
from grouping.bundles import active_members, apply, lock
from grouping.lines import advance
from grouping.models import Bundle, BundleMember, BundleOutcome, BundleState, DeclineCode
from grouping.models.policy import Guarantor, kind_of_funder

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
P = SchemeParameter.Key
M = BundleMember.Status


@dataclass(frozen=True, kw_only=True)
class LoanTerms:
    """What a lender decides with a loan. The guaranteed amount is share × principal
    (docs/rules.md#guarantee); the fee defaults to the guarantor's rate × principal."""

    duration_months: int
    rate: Decimal
    deferral_months: int = 0
    guarantor: str = Guarantor.NONE
    guarantee_share: Decimal | None = None
    guarantee_fee: Decimal | None = None


def _optional(key: str, on: date, funder) -> Decimal | None:
    try:
        return SchemeParameter.value_on(key, on, funder=funder)
    except MissingParameter:
        return None


def terms_problems(bundle: Bundle, amount: Decimal, terms: LoanTerms, on: date) -> list[str]:
    """Why a lender's terms cannot be recorded, against its product's parameters."""
    problems = []
    longest = _optional(P.LOAN_MAX_DURATION_MONTHS, on, bundle.funder)
    if terms.duration_months is None or terms.duration_months <= 0:
        problems.append("La durée du prêt doit être d'au moins 1 mois.")
    elif longest is not None and terms.duration_months > longest:
        problems.append(
            f"Durée de {terms.duration_months} mois : le produit permet {int(longest)} mois "
            "au plus."
        )
    highest = _optional(P.LOAN_MAX_RATE, on, bundle.funder)
    if terms.rate is None or terms.rate < 0:
        problems.append("Le taux du prêt ne peut pas être négatif.")
    elif highest is not None and terms.rate > highest:
        problems.append(f"Taux de {terms.rate} % : le maximum en vigueur est {highest} %.")
    if terms.deferral_months < 0 or (
        terms.duration_months and terms.deferral_months >= terms.duration_months
    ):
        problems.append("Le différé doit être positif et plus court que la durée du prêt.")
    if terms.guarantor not in Guarantor.values:
        problems.append(f"Garant inconnu : {terms.guarantor!r}.")
    elif terms.guarantor == Guarantor.NONE:
        if terms.guarantee_share:
            problems.append("Une quotité garantie suppose un garant.")
    else:
        share = terms.guarantee_share
        most = _optional(P.GUARANTEE_SHARE_MAX, on, bundle.funder)
        if share is None or share <= 0 or share > 100:
            problems.append("La quotité garantie est un pourcentage entre 0 et 100 %.")
        elif most is not None and share > most:
            problems.append(
                f"Quotité garantie de {share} % : le garant en couvre {most} % au plus."
            )
    if terms.guarantee_fee is not None and (
        terms.guarantee_fee < 0 or terms.guarantee_fee > amount
    ):
        problems.append("La commission de garantie doit être positive et inférieure au prêt.")
    return problems


def decision_problems(
    bundle: Bundle,
    member: BundleMember,
    *,
    approved: bool,
    amount: Decimal | None,
    reason: str,
    decline_code: str,
    grant_act_date: date | None,
    loan_terms: LoanTerms | None,
    on: date,
) -> list[str]:
    """Why a decision on ``member``'s line cannot be recorded, in plain words."""
    kind = Instrument(member.line)
    takes = kind_of_funder(bundle.funder)
    if takes != kind:
        what = "une subvention" if kind == Instrument.GRANT else "un prêt"
        return [f"{bundle.funder.name} ne peut pas décider {what} : ce n'est pas son programme."]
    problems = guards.collective_problems(bundle, active_members(bundle), on)
    if kind == Instrument.GRANT and loan_terms is not None:
        problems.append("Une subvention n'a pas de conditions de prêt.")
    if kind == Instrument.LOAN and grant_act_date is not None:
        problems.append("La date d'acte d'attribution concerne une subvention, pas un prêt.")
    if not approved:
        if decline_code not in DeclineCode.values:
            problems.append("Choisissez le motif du refus.")
        if not reason.strip():
            problems.append("Un motif est obligatoire pour un refus.")
        return problems
    if amount is None or amount <= 0:
        return [*problems, "Le montant accordé doit être positif."]
    if amount > member.asked:
        problems.append(
            f"Montant accordé {euros(amount)} supérieur au montant demandé "
            f"{euros(member.asked)} ({kind.label.lower()})."
        )
    if kind == Instrument.GRANT:
        if grant_act_date is None:
            problems.append("Donnez la date de l'acte d'attribution de la subvention.")
        elif grant_act_date > timezone.localdate():
            problems.append(
                f"L'acte d'attribution est daté du {grant_act_date:%d/%m/%Y}, dans le futur."
            )
        else:  # de minimis at the grant date: the legal act's (docs/rules.md#de-minimis)
            problems += de_minimis_problems(member.request, grant_act_date)
    elif loan_terms is None:
        problems.append("Donnez les conditions du prêt : durée, taux, différé et garantie.")
    else:
        problems += terms_problems(bundle, amount, loan_terms, on)
    return problems


def _outcome(locked: Bundle) -> tuple[str, Decimal]:
    decided = list(locked.members.filter(active=True))
    approved = [m for m in decided if m.status == M.APPROVED]
    total = sum((m.decided_amount for m in approved), ZERO)
    if not approved:
        return BundleOutcome.DECLINED, total
    if len(approved) == len(decided) and all(m.decided_amount == m.asked for m in approved):
        return BundleOutcome.APPROVED, total
    return BundleOutcome.PARTIALLY_APPROVED, total


def _apply_terms(found: BundleMember, amount: Decimal, terms: LoanTerms, on: date, funder) -> None:
    found.loan_duration_months = terms.duration_months
    found.loan_rate = terms.rate
    found.loan_deferral_months = terms.deferral_months
    found.guarantor = terms.guarantor
    if terms.guarantor == Guarantor.NONE:
        found.guarantee_share = found.guaranteed_amount = found.guarantee_fee = None
        return
    found.guarantee_share = terms.guarantee_share
    found.guaranteed_amount = (amount * terms.guarantee_share / 100).quantize(CENT, ROUND_HALF_UP)
    fee = terms.guarantee_fee
    if fee is None:
        rate = _optional(P.GUARANTEE_FEE_RATE, on, funder)
        fee = (amount * rate / 100).quantize(CENT, ROUND_HALF_UP) if rate is not None else None
    found.guarantee_fee = fee


def record_decision(
    bundle,
    member,
    *,
    actor,
    approved: bool,
    amount: Decimal | None = None,
    reason: str = "",
    decline_code: str = "",
    grant_act_date: date | None = None,
    loan_terms: LoanTerms | None = None,
    on: date | None = None,
    notify: bool = True,
) -> BundleMember:
    """The funder's decision on one member's line; the last one decides the collective.

    ``amount`` defaults to what the line asked. The collective's outcome: approved when
    every member got what it asked, declined when none got anything, partially approved
    otherwise.
    """
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = lock(bundle)
        if locked.state != BundleState.SUBMITTED:
            raise Conflict(
                f"Le dossier {locked.reference} est « {BundleState(locked.state).label} » : "
                "il n'attend pas de décision."
            )
        if actor is not None and not permissions.is_bundle_funder(locked, actor):
            raise Forbidden("Seul le financeur destinataire du dossier enregistre ses décisions.")
        pk = getattr(member, "pk", member)
        found = (
            locked.members.select_for_update(of=("self",))
            .select_related("request__enterprise")
            .filter(pk=pk, active=True)
            .first()
        )
        if found is None:
            raise Conflict("Cette demande n'est pas membre de ce dossier.")
        if found.status != M.ACTIVE:
            raise Conflict(
                f"La décision sur {found.request.reference} est déjà enregistrée : "
                f"« {M(found.status).label} »."
            )
        if approved and amount is None:
            amount = found.asked
        problems = decision_problems(
            locked,
            found,
            approved=approved,
            amount=amount,
            reason=reason,
            decline_code=decline_code,
            grant_act_date=grant_act_date,
            loan_terms=loan_terms,
            on=on,
        )
        if problems:
            raise Refused(
                f"La décision sur {found.request.reference} n'a pas pu être enregistrée :",
                problems,
            )
        found.status = M.APPROVED if approved else M.DECLINED
        found.decided_amount = amount if approved else None
        found.decision_reason = reason
        found.decline_code = "" if approved else decline_code
        found.grant_act_date = grant_act_date if approved else None
        if approved and loan_terms is not None:
            _apply_terms(found, amount, loan_terms, on, locked.funder)
        found.decided_by = actor
        found.decided_at = timezone.now()
        found.save()
        line = Instrument(found.line).label
        if approved:
            cut = "" if amount == found.asked else f" sur {euros(found.asked)} demandés"
            said = f"{line} : accordée {euros(amount)}{cut} par {locked.funder.name}."
        else:
            code = DeclineCode(decline_code).label
            said = f"{line} : refusée par {locked.funder.name} ({code}). {reason}"
        found.request = advance(
            found.request_id, actor=actor, note=said.strip(), on=on, notify=notify
        )
        if not locked.members.filter(active=True, status=M.ACTIVE).exists():
            outcome, total = _outcome(locked)
            apply(
                locked,
                "decide",
                actor=actor,
                note=f"Dernière décision : {found.request.reference}.",
                outcome=outcome,
                approved_total=total,
            )
        found.bundle = locked
    return found
