"""A bundle: the collective file a federation presents to one funder, and its members.

Each member stays its own borrower and its own aid beneficiary (docs/rules.md#legal-frame): a
bundle groups individual applications, each member with its own grant, loan and, in the
end, its own decision (the group-loan shape of Fineract: a group account over one loan
per member).

The workflow reads in one screen: states, named groups of states, then the transitions.
Transition bodies only change fields. Who may trigger them is in
``grouping.permissions``; why one is refused is in ``grouping.guards``; doing one (lock,
guard, log row, the members' requests moved in the same transaction) is
``grouping.bundles``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from dossiers.models.funding_request import Instrument
from dossiers.models.history import TransitionRecord
from grouping import permissions
from grouping.models.policy import TERRITORY_CHOICES, TRADE_CHOICES, Guarantor


class BundleState(models.TextChoices):
    DRAFT = "draft", _("Proposé")
    SEALED = "sealed", _("Scellé")
    READY = "ready", _("Prêt à transmettre")
    SUBMITTED = "submitted", _("Transmis au financeur")
    DECIDED = "decided", _("Décidé")
    CLOSED = "closed", _("Clos")
    DISSOLVED = "dissolved", _("Dissous")


# The two kinds of collective application, one per financing line (docs/rules.md#two-collectives):
# an EU grant collective (the federation is lead applicant of a collective operation) and a
# lender bundle. A bundle's kind is its members' line; its funder's programme sets it.
KIND_LABELS = {
    Instrument.GRANT: _("Opération collective (subventions)"),
    Instrument.LOAN: _("Dossier prêteur (prêts)"),
}


class DeclineCode(models.TextChoices):
    """Why a funder declines a line (with a note in words)."""

    INELIGIBLE = "ineligible", _("Non éligible au dispositif")
    INSUFFICIENT_FINANCIALS = "financials", _("Situation financière insuffisante")
    INCOMPLETE = "incomplete", _("Dossier incomplet")
    BUDGET_EXHAUSTED = "budget", _("Enveloppe épuisée")
    DE_MINIMIS = "de_minimis", _("Plafond de minimis atteint")
    OTHER = "other", _("Autre motif")


class BundleOutcome(models.TextChoices):
    NONE = "", _("—")
    APPROVED = "approved", _("Accordé")
    PARTIALLY_APPROVED = "partially_approved", _("Partiellement accordé")
    DECLINED = "declined", _("Refusé")


S = BundleState
# Membership frozen: the members' requests are "grouped" (or further on).
FROZEN = (S.SEALED, S.READY, S.SUBMITTED, S.DECIDED, S.CLOSED)
DISSOLVABLE = (S.DRAFT, S.SEALED, S.READY)
# What the funder sees: the bundle has been sent to it.
SENT = (S.SUBMITTED, S.DECIDED, S.CLOSED)


class BundleQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What ``user`` may see; anything else must answer 404.

        SMEs see the collective files their requests are actually in: not the proposals
        of a grouping run (drafts, replaced by the next run) nor dissolved ones.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_staff or user.is_superuser:
            return self
        if user.is_federation_member:
            return self.filter(campaign__federation_id=user.organisation_id)
        if user.is_funder_member:
            return self.filter(funder_id=user.organisation_id, state__in=SENT)
        if user.is_sme_representative:
            theirs = BundleMember.objects.filter(
                bundle=OuterRef("pk"), request__enterprise__representatives=user
            ).exclude(status=BundleMember.Status.WITHDRAWN)
            return self.filter(Exists(theirs)).exclude(state__in=(S.DRAFT, S.DISSOLVED))
        return self.none()


class Bundle(ConcurrentTransitionMixin, models.Model):
    campaign = models.ForeignKey(
        "dossiers.Campaign",
        verbose_name=_("campagne"),
        on_delete=models.PROTECT,
        related_name="bundles",
        db_index=False,  # the (campaign, state) index serves it
    )
    funder = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("financeur"),
        on_delete=models.PROTECT,
        related_name="bundles",
    )
    # Provenance only, written in bulk by the run: neither checked nor indexed by the
    # database (see BundleMember); runs are never deleted.
    run = models.ForeignKey(
        "grouping.GroupingRun",
        verbose_name=_("proposé par le regroupement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bundles",
        db_constraint=False,
        db_index=False,
    )
    # Unique through Meta.constraints: no extra LIKE index on PostgreSQL, one index less
    # to fill when a run writes its bundles.
    reference = models.CharField(_("référence"), max_length=20)
    kind = models.CharField(
        _("nature"),
        max_length=10,
        choices=Instrument.choices,
        default=Instrument.LOAN,
        db_default=Instrument.LOAN,
    )
    # A grant collective proposed with the same members as a lender bundle (one set of
    # members, two applications): each points at the other.
    twin = models.OneToOneField(
        "self",
        verbose_name=_("dossier jumeau"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    # The guarantee asked for a lender bundle's loans (docs/rules.md#guarantee).
    guarantor = models.CharField(
        _("garant demandé"), max_length=12, choices=Guarantor.choices, blank=True, default=""
    )
    guarantee_share = models.DecimalField(
        _("quotité garantie demandée (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    state = FSMField(_("état"), default=S.DRAFT, choices=BundleState.choices, protected=True)
    outcome = models.CharField(
        _("décision"), max_length=20, choices=BundleOutcome.choices, blank=True, default=""
    )

    # The declared grouping key (docs/rules.md#collective-integrity) at the ladder step the
    # bundle was made at.
    trade_level = models.CharField(_("niveau d'activité"), max_length=10, choices=TRADE_CHOICES)
    territory_level = models.CharField(
        _("niveau de territoire"), max_length=12, choices=TERRITORY_CHOICES
    )
    key_codes = models.JSONField(_("clé (codes)"), default=list)
    key_description = models.CharField(_("clé de regroupement"), max_length=300)
    ladder_level = models.PositiveSmallIntegerField(
        _("étape de l'échelle"), default=0, help_text=_("0 : la clé déclarée, la plus étroite.")
    )

    # Totals over the active members, kept in step by the grouping services.
    member_count = models.PositiveIntegerField(_("membres"), default=0)
    loan_total = models.DecimalField(_("total des prêts"), max_digits=14, decimal_places=2)
    grant_total = models.DecimalField(_("total des subventions"), max_digits=14, decimal_places=2)
    cost_total = models.DecimalField(_("coût total HT"), max_digits=14, decimal_places=2)
    own_funds_total = models.DecimalField(_("fonds propres"), max_digits=14, decimal_places=2)
    approved_total = models.DecimalField(
        _("total accordé"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    submitted_at = models.DateTimeField(_("transmis le"), null=True, blank=True)
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)

    objects = BundleQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier collectif")
        verbose_name_plural = _("dossiers collectifs")
        ordering = ["-created_at", "reference"]
        indexes = [models.Index(fields=["campaign", "state"])]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="bundle_reference_unique"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(state__in=(S.DECIDED, S.CLOSED)),
                name="bundle_outcome_only_once_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.key_description}"

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[Instrument(self.kind)])

    @property
    def line_total(self):
        """What the collective asks for: its grants, or its loans."""
        return self.grant_total if self.kind == Instrument.GRANT else self.loan_total

    @property
    def is_frozen(self) -> bool:
        return self.state in FROZEN

    def active_members(self):
        """The members that hold their request, in request order (for the documents)."""
        return self.members.filter(active=True).select_related("request__enterprise")

    # --- Transitions: bodies only change fields --------------------------------------------
    @transition(state, source=S.DRAFT, target=S.SEALED, permission=permissions.is_lead_partner)
    def seal(self):
        pass

    # A sealed collective that a withdrawal left outside its funder's rules: back to a
    # proposal, to be completed or dissolved (the history row says why).
    @transition(state, source=S.SEALED, target=S.DRAFT, permission=permissions.is_lead_partner)
    def unseal(self):
        pass

    @transition(
        state, source=DISSOLVABLE, target=S.DISSOLVED, permission=permissions.is_lead_partner
    )
    def dissolve(self):
        pass

    @transition(state, source=S.SEALED, target=S.READY, permission=permissions.is_system)
    def mark_ready(self):
        pass

    @transition(state, source=S.READY, target=S.SUBMITTED, permission=permissions.is_lead_partner)
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(
        state, source=S.SUBMITTED, target=S.DECIDED, permission=permissions.is_bundle_funder
    )
    def decide(self, *, outcome: str, approved_total):
        self.outcome = outcome
        self.approved_total = approved_total
        self.decided_at = timezone.now()

    @transition(state, source=S.DECIDED, target=S.CLOSED, permission=permissions.is_lead_partner)
    def close(self):
        pass


BUNDLE_TRANSITIONS = ("seal", "unseal", "dissolve", "mark_ready", "submit", "decide", "close")


class BundleTransition(TransitionRecord):
    """One line of a bundle's history. Written with the state change, never edited."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="history")
    from_state = models.CharField(_("de"), max_length=20, choices=BundleState.choices)
    to_state = models.CharField(_("vers"), max_length=20, choices=BundleState.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("transition de dossier collectif")
        verbose_name_plural = _("historique des dossiers collectifs")

    def __str__(self) -> str:
        return f"{self.bundle_id}: {self.from_state} → {self.to_state}"


class BundleMember(models.Model):
    """One request in a bundle, with its own amounts and, in the end, its own decision.

    ``active`` says the membership holds the request: true from the proposal until the
    bundle is dissolved or closed or the member withdrawn. A partial unique index keeps
    a request in at most one active membership, whatever the code path.

    A run writes up to a million of these rows with COPY. Their two foreign keys are not
    checked by the database: PostgreSQL checks a foreign key row by row, which costs more
    at that scale than the whole run may take. Only ``grouping.runs`` inserts memberships,
    for requests and bundles it has just read or written in the same transaction; requests
    and bundles are never deleted (PROTECT, and no deletion in the administration). The
    request column has no index of its own: the partial unique index answers "which
    bundle holds this request"; a request's past memberships are found through bundles.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Membre")
        WITHDRAWN = "withdrawn", _("Retiré")
        APPROVED = "approved", _("Accordé")
        DECLINED = "declined", _("Refusé")

    # Not enforced by the database (see the class docstring); the ORM still treats them as
    # foreign keys and PROTECT still guards deletions made through it.
    bundle = models.ForeignKey(
        Bundle, on_delete=models.PROTECT, related_name="members", db_constraint=False
    )
    request = models.ForeignKey(
        "dossiers.FundingRequest",
        verbose_name=_("demande"),
        on_delete=models.PROTECT,
        related_name="bundle_memberships",
        db_constraint=False,
        db_index=False,  # the partial unique index below serves the lookups that matter
    )
    # The line this membership carries; the other amount is zero (a constraint says so).
    line = models.CharField(
        _("ligne"),
        max_length=10,
        choices=Instrument.choices,
        default=Instrument.LOAN,
        db_default=Instrument.LOAN,
    )
    grant = models.DecimalField(_("subvention"), max_digits=12, decimal_places=2)
    loan = models.DecimalField(_("prêt"), max_digits=12, decimal_places=2)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=Status.choices,
        default=Status.ACTIVE,
        db_default=Status.ACTIVE,
    )
    active = models.BooleanField(_("retient la demande"), default=True, db_default=True)

    decided_amount = models.DecimalField(
        _("montant accordé"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    decision_reason = models.TextField(
        _("motif de la décision"), blank=True, default="", db_default=""
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    # Database defaults on every column a run's COPY leaves out.
    decline_code = models.CharField(
        _("motif de refus"),
        max_length=12,
        choices=DeclineCode.choices,
        blank=True,
        default="",
        db_default="",
    )
    # A grant: the date of the legal act granting it, the grant date for de minimis.
    grant_act_date = models.DateField(_("date de l'acte d'attribution"), null=True, blank=True)
    # A loan: the terms the lender decided, and the guarantee.
    loan_duration_months = models.PositiveSmallIntegerField(
        _("durée (mois)"), null=True, blank=True
    )
    loan_rate = models.DecimalField(
        _("taux annuel (%)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    loan_deferral_months = models.PositiveSmallIntegerField(
        _("différé (mois)"), null=True, blank=True
    )
    guarantor = models.CharField(
        _("garant"),
        max_length=12,
        choices=Guarantor.choices,
        blank=True,
        default="",
        db_default="",
    )
    guarantee_share = models.DecimalField(
        _("quotité garantie (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    guaranteed_amount = models.DecimalField(
        _("montant garanti"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    guarantee_fee = models.DecimalField(
        _("commission de garantie"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("membre d'un dossier collectif")
        verbose_name_plural = _("membres des dossiers collectifs")
        ordering = ["bundle", "request"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "line"],
                condition=Q(active=True),
                name="bundle_member_one_active_bundle_per_line",
                violation_error_message=_(
                    "Cette ligne de la demande est déjà dans un dossier collectif."
                ),
            ),
            models.CheckConstraint(
                condition=Q(grant__gte=0) & Q(loan__gte=0), name="bundle_member_amounts"
            ),
            models.CheckConstraint(
                condition=(Q(line=Instrument.GRANT) & Q(loan=0))
                | (Q(line=Instrument.LOAN) & Q(grant=0)),
                name="bundle_member_carries_its_line_only",
            ),
            models.CheckConstraint(
                condition=Q(guarantee_share__isnull=True)
                | (Q(guarantee_share__gte=0) & Q(guarantee_share__lte=100)),
                name="bundle_member_guarantee_share_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bundle_id} / {self.request_id}"

    @property
    def asked(self):
        """The amount asked on the line this membership carries."""
        return self.grant if self.line == Instrument.GRANT else self.loan

    @property
    def is_partial(self) -> bool:
        return self.status == self.Status.APPROVED and self.decided_amount != self.asked
