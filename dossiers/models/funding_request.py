"""An SME's funding request and its audited workflow.

The workflow reads in one screen: states, named groups of states, then the transitions.
Transition bodies only change fields. Who may trigger a transition is in
``dossiers.permissions``; why a transition is refused is in ``dossiers.guards``; doing one
(lock, guard, log row, after-commit effects) is ``dossiers.workflow``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from dossiers import permissions
from dossiers.models.history import TransitionRecord
from dossiers.validators import validate_amount, validate_siret

ZERO = Decimal("0.00")


class RequestState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposée")
    IN_REVIEW = "in_review", _("En instruction")
    NEEDS_CHANGES = "needs_changes", _("À compléter")
    ELIGIBLE = "eligible", _("Éligible")
    REJECTED = "rejected", _("Refusée")
    GROUPED = "grouped", _("Regroupée")
    SENT = "sent", _("Transmise au financeur")
    APPROVED = "approved", _("Accordée")
    DECLINED = "declined", _("Refusée par le financeur")
    WITHDRAWN = "withdrawn", _("Retirée")


class Instrument(models.TextChoices):
    """The two financing lines a request may ask for, each decided by its own funder:
    the EU grant by the programme's managing authority, the loan by a bank (see
    docs/rules.md#two-collectives)."""

    GRANT = "grant", _("Subvention")
    LOAN = "loan", _("Prêt bancaire")


S = RequestState
EDITABLE = (S.DRAFT, S.NEEDS_CHANGES)
WITHDRAWABLE = (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.NEEDS_CHANGES, S.ELIGIBLE, S.GROUPED)
REOPENABLE = (S.REJECTED, S.DECLINED)
DECIDED = (S.APPROVED, S.DECLINED)
CLOSED = (S.APPROVED, S.DECLINED, S.REJECTED, S.WITHDRAWN)


class FundingRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What ``user`` may see; anything else must answer 404."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        if user.is_sme_representative:
            return self.filter(enterprise__representatives=user)
        if user.is_federation_member:
            return self.filter(campaign__federation_id=user.organisation_id)
        if user.is_funder_member:
            return self.filter(
                Q(sent_to_id=user.organisation_id)
                | Exists(permissions.received_by(user.organisation_id))
            )
        return self.none()


class FundingRequest(ConcurrentTransitionMixin, models.Model):
    class ProjectCategory(models.TextChoices):
        WEBSITE = "website", _("Site internet vitrine")
        ONLINE_SHOP = "online_shop", _("Boutique en ligne")
        ERP = "erp", _("Logiciel de gestion (ERP)")
        CYBERSECURITY = "cybersecurity", _("Cybersécurité")
        TRAINING = "training", _("Formation au numérique")
        OTHER = "other", _("Autre projet numérique")

    reference = models.CharField(_("référence"), max_length=20, unique=True)
    campaign = models.ForeignKey(
        "dossiers.Campaign", on_delete=models.PROTECT, related_name="funding_requests"
    )
    enterprise = models.ForeignKey(
        "dossiers.Enterprise", on_delete=models.PROTECT, related_name="funding_requests"
    )
    state = FSMField(
        _("état"), default=S.DRAFT, choices=RequestState.choices, protected=True, db_index=True
    )
    # Bumped on every change; a form or API call that saw an older version is a conflict.
    version = models.PositiveIntegerField(default=1)

    project_category = models.CharField(
        _("catégorie de projet"), max_length=20, choices=ProjectCategory.choices
    )
    project_title = models.CharField(_("intitulé du projet"), max_length=200)
    project_description = models.TextField(_("description du projet"), blank=True)
    activity_confirmed = models.BooleanField(
        _("activité confirmée par le demandeur"),
        default=False,
        help_text=_("Le code APE seul ne crée pas de droit (décret 2007-1888)."),
    )
    mandate_signed_by = models.CharField(_("mandat signé par"), max_length=200, blank=True)
    mandate_signed_on = models.DateField(_("mandat signé le"), null=True, blank=True)

    # Totals of the financing plan, kept in step by dossiers.plan.set_financing_plan.
    total_cost = models.DecimalField(_("coût total HT"), max_digits=12, decimal_places=2, default=0)
    eligible_cost = models.DecimalField(
        _("coût éligible HT"), max_digits=12, decimal_places=2, default=0
    )
    grant_amount = models.DecimalField(
        _("subvention demandée"), max_digits=12, decimal_places=2, default=0
    )
    loan_amount = models.DecimalField(_("prêt demandé"), max_digits=12, decimal_places=2, default=0)
    own_funds = models.DecimalField(_("fonds propres"), max_digits=12, decimal_places=2, default=0)
    # The loan terms asked for; the lender decides its own (grouping.BundleMember).
    loan_duration_months = models.PositiveSmallIntegerField(
        _("durée du prêt demandée (mois)"), null=True, blank=True
    )
    loan_deferral_months = models.PositiveSmallIntegerField(
        _("différé demandé (mois)"), default=0, db_default=0
    )
    total_sources = models.DecimalField(
        _("total des ressources"), max_digits=12, decimal_places=2, default=0
    )

    sent_to = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("transmise à"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_requests",
    )
    approved_amount = models.DecimalField(
        _("montant accordé"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    decision_reason = models.TextField(_("motif de la décision"), blank=True)
    submitted_at = models.DateTimeField(_("déposée le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = FundingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de financement")
        verbose_name_plural = _("demandes de financement")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["campaign", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grant_amount__gte=0)
                & models.Q(loan_amount__gte=0)
                & models.Q(own_funds__gte=0)
                & models.Q(total_cost__gte=0),
                name="funding_request_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.project_title}"

    def asked(self, instrument: str) -> Decimal:
        """The amount asked on one financing line."""
        return self.grant_amount if instrument == Instrument.GRANT else self.loan_amount

    @property
    def financed_lines(self) -> tuple[str, ...]:
        """The lines this request asks for (an amount above zero), grant first."""
        return tuple(line for line in Instrument if self.asked(line) > 0)

    # --- Transitions: bodies only change fields --------------------------------------------
    @transition(state, source=S.DRAFT, target=S.SUBMITTED, permission=permissions.is_applicant)
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(
        state, source=S.NEEDS_CHANGES, target=S.SUBMITTED, permission=permissions.is_applicant
    )
    def resubmit(self):
        self.submitted_at = timezone.now()

    @transition(state, source=S.SUBMITTED, target=S.IN_REVIEW, permission=permissions.is_reviewer)
    def start_review(self):
        pass

    @transition(
        state, source=S.IN_REVIEW, target=S.NEEDS_CHANGES, permission=permissions.is_reviewer
    )
    def request_changes(self):
        pass

    @transition(state, source=S.IN_REVIEW, target=S.ELIGIBLE, permission=permissions.is_reviewer)
    def mark_eligible(self):
        pass

    @transition(state, source=S.IN_REVIEW, target=S.REJECTED, permission=permissions.is_reviewer)
    def reject(self):
        pass

    @transition(state, source=S.ELIGIBLE, target=S.GROUPED, permission=permissions.is_reviewer)
    def group(self):
        pass

    @transition(state, source=S.GROUPED, target=S.ELIGIBLE, permission=permissions.is_reviewer)
    def ungroup(self):
        pass

    @transition(state, source=S.GROUPED, target=S.SENT, permission=permissions.is_reviewer)
    def send(self, *, funder):
        self.sent_to = funder

    # The last line's decision decides the request: ``amount`` is what all its lines got.
    @transition(state, source=S.SENT, target=S.APPROVED, permission=permissions.is_receiving_funder)
    def approve(self, *, amount: Decimal):
        self.approved_amount = amount

    @transition(state, source=S.SENT, target=S.DECLINED, permission=permissions.is_receiving_funder)
    def decline(self, *, reason: str):
        self.decision_reason = reason

    @transition(state, source=WITHDRAWABLE, target=S.WITHDRAWN, permission=permissions.is_applicant)
    def withdraw(self):
        pass

    @transition(state, source=REOPENABLE, target=S.IN_REVIEW, permission=permissions.is_manager)
    def reopen(self):
        self.approved_amount = None
        self.decision_reason = ""


class RequestTransition(TransitionRecord):
    """One line of a request's history. Written with the state change, never edited."""

    request = models.ForeignKey(FundingRequest, on_delete=models.CASCADE, related_name="history")
    from_state = models.CharField(_("de"), max_length=20, choices=RequestState.choices)
    to_state = models.CharField(_("vers"), max_length=20, choices=RequestState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("transition de demande")
        verbose_name_plural = _("historique des demandes")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_state} → {self.to_state}"


class FinancingLine(models.Model):
    """One line of the financing plan: a use (what is paid for) or a source (who pays)."""

    class Side(models.TextChoices):
        USE = "use", _("Besoin")
        SOURCE = "source", _("Ressource")

    class Kind(models.TextChoices):
        INTANGIBLE = "intangible", _("Investissement immatériel HT")
        TANGIBLE = "tangible", _("Investissement matériel HT")
        WORKING_CAPITAL = "working_capital", _("Besoin en fonds de roulement")
        OTHER_USE = "other_use", _("Autre besoin")
        OWN_FUNDS = "own_funds", _("Fonds propres")
        GRANT = "grant", _("Subvention demandée")
        LOAN = "loan", _("Prêt demandé")
        OTHER_SOURCE = "other_source", _("Autre ressource")

    USE_KINDS = (Kind.INTANGIBLE, Kind.TANGIBLE, Kind.WORKING_CAPITAL, Kind.OTHER_USE)
    INVESTMENT_KINDS = (Kind.INTANGIBLE, Kind.TANGIBLE)

    request = models.ForeignKey(
        FundingRequest, on_delete=models.CASCADE, related_name="financing_lines"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("libellé"), max_length=200)
    amount = models.DecimalField(
        _("montant (€)"), max_digits=12, decimal_places=2, validators=[validate_amount]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("ligne du plan de financement")
        verbose_name_plural = _("plan de financement")
        ordering = ["side", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="financing_line_amount_not_negative"
            ),
        ]


class SupplierQuote(models.Model):
    request = models.ForeignKey(FundingRequest, on_delete=models.CASCADE, related_name="quotes")
    supplier_name = models.CharField(_("fournisseur"), max_length=200)
    supplier_siret = models.CharField(
        _("SIRET du fournisseur"), max_length=14, blank=True, validators=[validate_siret]
    )
    quote_date = models.DateField(_("date du devis"))
    amount_excl_vat = models.DecimalField(
        _("montant HT (€)"), max_digits=12, decimal_places=2, validators=[validate_amount]
    )
    description = models.CharField(_("objet"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("devis fournisseur")
        verbose_name_plural = _("devis fournisseurs")
        ordering = ["quote_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_excl_vat__gte=0), name="supplier_quote_not_negative"
            ),
        ]


class DeMinimisDeclaration(models.Model):
    """The applicant's sworn list of de minimis aid received over the window.

    See docs/rules.md#de-minimis.
    """

    request = models.OneToOneField(
        FundingRequest, on_delete=models.CASCADE, related_name="de_minimis"
    )
    declared_by = models.CharField(_("déclarée par"), max_length=200)
    declared_on = models.DateField(_("déclarée le"))
    no_aid_received = models.BooleanField(_("aucune aide reçue sur la période"), default=False)

    class Meta:
        verbose_name = _("déclaration de minimis")
        verbose_name_plural = _("déclarations de minimis")


class DeMinimisAid(models.Model):
    declaration = models.ForeignKey(
        DeMinimisDeclaration, on_delete=models.CASCADE, related_name="aids"
    )
    granting_body = models.CharField(_("organisme"), max_length=200)
    regulation = models.CharField(_("règlement"), max_length=100, blank=True)
    granted_on = models.DateField(_("date d'octroi"))
    amount = models.DecimalField(
        _("montant (€)"), max_digits=12, decimal_places=2, validators=[validate_amount]
    )

    class Meta:
        verbose_name = _("aide de minimis reçue")
        verbose_name_plural = _("aides de minimis reçues")
        ordering = ["granted_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="de_minimis_aid_amount_not_negative"
            ),
        ]

    def clean(self) -> None:
        # An aid granted before the enterprise existed is a typo (docs/rules.md#database-guards).
        from django.core.exceptions import ValidationError

        request = getattr(getattr(self, "declaration", None), "request", None)
        if request is not None and self.granted_on:
            created = request.enterprise.creation_date
            if self.granted_on < created:
                raise ValidationError(
                    {
                        "granted_on": (
                            f"Aide datée du {self.granted_on:%d/%m/%Y}, avant la création de "
                            f"l'entreprise le {created:%d/%m/%Y}."
                        )
                    }
                )
