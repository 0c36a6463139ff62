"""The demo's population: organisations, people, campaigns, SMEs and their requests.

Randomised but seeded (Faker fr_FR and ``random.Random``), so a seed always gives the
same demo. Each request is completed and walked to its state through real transitions.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from accounts.models import Organisation, User
from dossiers.demo import catalogue as data
from dossiers.demo.builders import (
    PATHS,
    SYSTEM_TRANSITIONS,
    D,
    advance,
    complete_request,
    default_arguments,
    upload_document,
    valid_siren,
    valid_siret,
)
from dossiers.eligibility.models import CampaignEligibility
from dossiers.models import Campaign, Enterprise, FundingRequest, SchemeParameter
from dossiers.nomenclature import departements
from dossiers.plan import PlanLine
from dossiers.requests import create_request

# Positions in the list of states: "needs_changes" and "eligible" (see DemoWorld._states).
SME_LOGIN_ENTERPRISES = (3, 4)


def _de(name: str) -> str:
    """French "de" before a name: "de Paris", "d'Amiens", "du Mans"."""
    if name.startswith("Le "):
        return "du " + name[3:]
    return f"d'{name}" if name[:1].upper() in "AEIOUYÉÈÊÂÎÔ" else f"de {name}"


class DemoWorld:
    """Builds the demo in one go: ``DemoWorld(smes=300, seed=2026).build()``."""

    def __init__(self, *, smes: int, seed: int):
        self.smes = smes
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.today = timezone.localdate()
        self.cap = SchemeParameter.value_on(SchemeParameter.Key.GRANT_CAP, self.today)
        self.rate = SchemeParameter.value_on(SchemeParameter.Key.GRANT_AID_RATE, self.today)
        self.password = make_password(data.DEMO_PASSWORD)
        self.users: dict[str, User] = {}
        self.federations: dict[str, Organisation] = {}
        self.funders: dict[str, Organisation] = {}
        self.campaigns: dict[str, Campaign] = {}
        self.sirets = set(Enterprise.objects.values_list("siret", flat=True))

    # Organisations and people ---------------------------------------------------------------
    def build(self) -> None:
        self._organisations()
        self._people()
        self._campaigns()
        self.files = {
            kind: upload_document(kind, f"{D(kind).label} — document de démonstration")
            for kind in (
                D.KBIS,
                D.MANAGER_ID,
                D.RIB,
                D.STATUTES,
                D.TAX_RETURN,
                D.FORECAST,
                D.TAX_CERTIFICATE,
                D.SOCIAL_CERTIFICATE,
                D.QUOTE,
            )  # fmt: skip
        }
        states = self._states()
        for number, state in enumerate(states):
            self._one_sme(number, state)

    def _organisations(self) -> None:
        for number, spec in enumerate(data.FUNDERS):
            self.funders[spec.key], _ = Organisation.objects.get_or_create(
                name=spec.name,
                defaults={
                    "kind": Organisation.Kind.FUNDER,
                    "funder_kind": spec.kind,
                    "siren": valid_siren(900_000 + number),
                    "email": f"contact@{slugify(spec.key)}.example.org",
                },
            )
        for number, spec in enumerate(data.FEDERATIONS):
            self.federations[spec.key], _ = Organisation.objects.get_or_create(
                name=spec.name,
                defaults={
                    "kind": Organisation.Kind.FEDERATION,
                    "siren": valid_siren(800_000 + number),
                    "address": self.fake.address().replace("\n", ", "),
                    "email": f"contact@{slugify(spec.key)}.example.org",
                },
            )

    def _user(self, username: str, **fields) -> User:
        first, last = self.fake.first_name(), self.fake.last_name()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "password": self.password,
                **fields,
            },
        )
        self.users[username] = user
        return user

    def _people(self) -> None:
        self._user(
            "admin",
            is_staff=True,
            is_superuser=True,
            role=User.Role.FEDERATION_MANAGER,
            organisation=self.federations["bat"],
        )
        for spec in data.FEDERATIONS:
            organisation = self.federations[spec.key]
            self._user(spec.officer, role=User.Role.FEDERATION_OFFICER, organisation=organisation)
            self._user(spec.manager, role=User.Role.FEDERATION_MANAGER, organisation=organisation)
        for spec in data.FUNDERS:
            self._user(
                spec.officer, role=User.Role.FUNDER_OFFICER, organisation=self.funders[spec.key]
            )
        self._user("sme", role=User.Role.SME_REPRESENTATIVE)

    def _campaigns(self) -> None:
        for spec in data.FEDERATIONS:
            campaign = Campaign.objects.create(
                federation=self.federations[spec.key],
                reference=spec.campaign_reference,
                name=spec.campaign_name,
                description=f"Campagne de démonstration portée par {spec.name}.",
                programme=spec.programme,
                opens_on=self.today - timedelta(days=75),
                deadline=self.today + timedelta(days=90),
                eligible_naf_prefixes=list(spec.naf_prefixes),
            )
            campaign.funders.set([self.funders[key] for key in spec.funders])
            CampaignEligibility.objects.create(
                campaign=campaign,
                valid_from=campaign.opens_on,
                sme_categories=[Enterprise.Category.MICRO],
                source=f"{spec.programme} : réservé aux TPE (moins de 10 salariés)",
            )
            self.campaigns[spec.key] = campaign

    # Enterprises and their requests ---------------------------------------------------------
    def _states(self) -> list[str]:
        """Every state at least once (when there are enough SMEs), then by weight."""
        states = list(data.STATE_WEIGHTS)
        if self.smes <= len(states):
            return states[: self.smes]
        rest = self.rng.choices(
            states, weights=list(data.STATE_WEIGHTS.values()), k=self.smes - len(states)
        )
        return states + rest

    def _siren(self) -> tuple[str, str]:
        while True:
            siren = valid_siren(self.rng.randrange(10_000_000, 99_999_999))
            siret = valid_siret(siren, self.rng.choice((1, 1, 1, 2, 3, 12)))
            if siret not in self.sirets and not siren.startswith("356"):
                self.sirets.add(siret)
                return siren, siret

    def _postal_code(self, departement: str) -> str:
        if departement == "2A":
            return f"20{self.rng.randrange(0, 200, 10):03d}"
        if departement == "2B":
            return f"20{self.rng.randrange(200, 300, 10):03d}"
        if len(departement) == 3:
            return f"{departement}{self.rng.randrange(0, 100, 10):02d}"
        return f"{departement}{self.rng.randrange(0, 1000, 10):03d}"

    def _enterprise(self, number: int, state: str) -> Enterprise:
        rng = self.rng
        trade = rng.choices(data.TRADES, weights=[t.weight for t in data.TRADES])[0]
        codes = list(departements())
        departement = rng.choices(
            codes, weights=[data.DEPARTEMENT_WEIGHTS.get(c, 1) for c in codes]
        )[0]
        city = data.PREFECTURES[departement]
        first, last = self.fake.first_name(), self.fake.last_name()
        legal_form = rng.choices(
            trade.legal_forms, weights=[data.LEGAL_FORM_WEIGHTS[f] for f in trade.legal_forms]
        )[0]
        band = rng.choices(("micro", "small", "medium"), weights=(78, 18, 4))[0]
        # The demo programmes are for TPE (docs/rules.md#programme-eligibility): larger firms
        # only have drafts there, which the portal explains they cannot submit.
        if state != "draft":
            band = "micro"
        headcount = {
            "micro": Decimal(rng.randint(0, 19)) / 2,
            "small": Decimal(rng.randint(10, 49)),
            "medium": Decimal(rng.randint(50, 180)),
        }[band]
        turnover = Decimal(rng.randint(60, 140) * 1000) * max(headcount, Decimal(1))
        turnover += Decimal(rng.randint(0, 99_999)) / 100
        # A few drafts are too big to be SMEs: the portal explains why they cannot submit.
        if state == "draft" and number % 17 == 5:
            headcount, turnover = Decimal(320), Decimal("61500000.00")
        siren, siret = self._siren()
        age_days = rng.choice((rng.randint(200, 700), rng.randint(730, 12_000)))
        enterprise = Enterprise.objects.create(
            name=rng.choice(trade.names).format(
                first=first, last=last, city=city, de_city=_de(city), de_first=_de(first)
            ),
            siren=siren,
            siret=siret,
            legal_form=legal_form,
            micro_entreprise_regime=legal_form == "EI" and rng.random() < 0.5,
            creation_date=self.today - timedelta(days=age_days),
            address=self.fake.street_address(),
            postal_code=self._postal_code(departement),
            city=city,
            naf_code=trade.naf,
            nafa_code=rng.choice(trade.nafa) if trade.nafa else "",
            departement=departement,
            headcount=headcount,
            turnover=turnover,
            balance_sheet=(turnover * Decimal(rng.randint(35, 90)) / 100).quantize(Decimal("0.01")),
        )
        enterprise.trade = trade
        return enterprise

    def _representative(self, number: int, enterprise: Enterprise) -> User | None:
        # The demo "sme" login represents two enterprises (one asked for changes, one granted);
        # about one in five of the others was entered by its federation from a spreadsheet
        # and has no account.
        if number in SME_LOGIN_ENTERPRISES:
            user = self.users["sme"]
        elif self.rng.random() < 0.2:
            return None
        else:
            first, last = self.fake.first_name(), self.fake.last_name()
            user = User.objects.create(
                username=f"{slugify(first)}.{slugify(last)}.{number:04d}",
                first_name=first,
                last_name=last,
                email=f"{slugify(first)}.{slugify(last)}.{number:04d}@example.org",
                password=make_password(None),  # unusable: only demo logins sign in
                role=User.Role.SME_REPRESENTATIVE,
            )
        enterprise.representatives.add(user)
        return user

    def _plan(self) -> tuple[str, str, list[PlanLine], list[PlanLine]]:
        rng = self.rng
        project = rng.choices(data.PROJECTS, weights=[p.weight for p in data.PROJECTS])[0]
        low, high = project.cost
        software = Decimal(rng.randint(low // 10, high // 10) * 10)
        uses = [PlanLine("intangible", "Prestations et logiciels", software)]
        if rng.random() < 0.35:
            hardware = Decimal(rng.randint(8, 40) * 100)
            uses.append(PlanLine("tangible", "Matériel informatique", hardware))
        if rng.random() < 0.15:
            working = Decimal(rng.randint(5, 30) * 100)
            uses.append(PlanLine("working_capital", "Besoin en fonds de roulement", working))
        cost = sum((u.amount for u in uses), Decimal(0))
        eligible = sum((u.amount for u in uses if u.kind != "working_capital"), Decimal(0))
        ceiling = min(self.cap, eligible * self.rate)
        grant = (ceiling * Decimal(rng.randint(60, 100)) / 100 // 100) * 100
        sources = [PlanLine("grant", "Subvention FEDER — transition numérique", grant)]
        rest = cost - grant
        loan = Decimal(0)
        if rest >= 6000 and rng.random() < 0.75:
            loan = min(Decimal(50_000), (rest * Decimal(rng.randint(55, 90)) / 100 // 100) * 100)
            loan = max(loan, Decimal(5000))
            sources.append(PlanLine("loan", "Prêt numérique bancaire", loan))
        if cost - grant - loan:
            sources.append(PlanLine("own_funds", "Apport de l'entreprise", cost - grant - loan))
        return project.category, rng.choice(project.titles), uses, sources

    def _prior_aids(self, enterprise: Enterprise) -> list[tuple[date, Decimal]]:
        # Never dated before the enterprise existed (docs/rules.md#database-guards).
        oldest = min(1400, (self.today - enterprise.creation_date).days - 1)
        if self.rng.random() > 0.3 or oldest < 30:
            return []
        return [
            (
                self.today - timedelta(days=self.rng.randint(30, oldest)),
                Decimal(self.rng.randint(10, 600) * 100),
            )
            for _ in range(self.rng.randint(1, 3))
        ]

    def _one_sme(self, number: int, state: str) -> None:
        enterprise = self._enterprise(number, state)
        trade = enterprise.trade
        representative = self._representative(number, enterprise)
        spec = next(f for f in data.FEDERATIONS if f.key == trade.federation)
        officer = self.users[spec.officer]
        category, title, uses, sources = self._plan()
        signatory = f"{self.fake.first_name()} {self.fake.last_name()}"
        request = create_request(
            campaign=self.campaigns[trade.federation],
            enterprise=enterprise,
            created_by=representative or officer,
            project_category=category,
            project_title=title,
            project_description=(
                f"{title} pour {enterprise.name} ({enterprise.city}). "
                + self.fake.paragraph(nb_sentences=2)
            ),
            activity_confirmed=True,
            mandate_signed_by=f"{signatory}, gérant·e",
            mandate_signed_on=self.today - timedelta(days=self.rng.randint(1, 40)),
        )
        if state == "draft" and number % 3 == 1:
            return  # a draft still being filled in: no plan, documents or declaration yet
        complete_request(
            request,
            uses=uses,
            sources=sources,
            prior_aids=self._prior_aids(enterprise),
            signatory=signatory,
            supplier=self.rng.choice(data.SUPPLIERS),
            documents=self.files,
            issued_on=self.today - timedelta(days=self.rng.randint(3, 70)),
            on=self.today,
        )
        if state == "draft":
            return
        actors = {
            "officer": officer,
            "manager": self.users[spec.manager],
            "applicant": representative or officer,
        }
        advance(
            request,
            self._path(state),
            actor_for=lambda name, r: self._actor(name, r, actors),
            arguments_for=self._arguments,
        )

    def _path(self, state: str) -> tuple[str, ...]:
        """A path to ``state``, sometimes with a detour through changes or a reopening."""
        rng = self.rng
        path = PATHS[state]
        if state == "withdrawn":
            start = rng.choice(("draft", "submitted", "in_review", "needs_changes", "eligible"))
            return (*PATHS[start], "withdraw")
        if "mark_eligible" in path and rng.random() < 0.25:
            i = path.index("mark_eligible")
            detour = ("request_changes", "resubmit", "start_review")
            return (*path[:i], *detour, *path[i:])
        if state == "in_review" and rng.random() < 0.2:
            return (*PATHS["rejected"], "reopen")
        return path

    def _actor(self, name: str, request: FundingRequest, actors: dict) -> User | None:
        if name in SYSTEM_TRANSITIONS:
            return None
        if name in ("submit", "resubmit", "withdraw"):
            return actors["applicant"]
        if name == "reopen":
            return actors["manager"]
        if name in ("approve", "decline"):
            spec = next(f for f in data.FUNDERS if self.funders[f.key].pk == request.sent_to_id)
            return self.users[spec.officer]
        return actors["officer"]

    def _arguments(self, name: str, request: FundingRequest) -> dict:
        arguments = default_arguments(name, request)
        if name in data.NOTES:
            arguments["note"] = self.rng.choice(data.NOTES[name])
        if name == "send":
            funders = list(request.campaign.funders.order_by("pk"))
            arguments["funder"] = self.rng.choice(funders)
        elif name == "approve":
            asked = request.grant_amount + request.loan_amount
            arguments["amount"] = asked if self.rng.random() < 0.7 else request.grant_amount
        elif name == "decline":
            arguments["reason"] = arguments["note"]
        return arguments
