"""EU SME category at each boundary: headcount hard, turnover OR balance sheet.

See docs/rules.md#sme-category.
"""

from decimal import Decimal

import pytest

from dossiers.models import Enterprise, RelatedEnterprise
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
M = Decimal(1_000_000)


def category(headcount, turnover, balance_sheet, **fields) -> str:
    return EnterpriseFactory(
        headcount=Decimal(headcount),
        turnover=Decimal(turnover),
        balance_sheet=Decimal(balance_sheet),
        **fields,
    ).sme_category


@pytest.mark.parametrize(
    ("headcount", "turnover", "balance_sheet", "expected"),
    [
        # Headcount is a hard limit, strictly below the threshold.
        ("9.99", "100000", "100000", "micro"),
        ("10", "100000", "100000", "small"),
        ("49.99", "100000", "100000", "small"),
        ("50", "100000", "100000", "medium"),
        ("249.99", "100000", "100000", "medium"),
        ("250", "100000", "100000", "large"),
        # Turnover exactly at the ceiling passes even with the balance sheet above it…
        ("5", "2000000.00", "2500000", "micro"),
        # …one cent above fails when the balance sheet is above too.
        ("5", "2000000.01", "2500000", "small"),
        # The OR rule: a large turnover passes on a small balance sheet, and the reverse.
        ("5", "9000000", "2000000.00", "micro"),
        ("5", "2000000", "9000000", "micro"),
        ("30", "10000000.00", "12000000", "small"),
        ("30", "10000000.01", "10000000.01", "medium"),
        # Medium: 50 M€ turnover or 43 M€ balance sheet.
        ("100", "60000000", "43000000.00", "medium"),
        ("100", "60000000", "43000000.01", "large"),
        ("100", "50000000.00", "90000000", "medium"),
    ],
)
def test_the_category_at_each_boundary(headcount, turnover, balance_sheet, expected):
    assert category(headcount, turnover, balance_sheet) == expected


@pytest.mark.parametrize(
    ("public_ownership", "expected"), [("24.99", "micro"), ("25", "large"), ("60", "large")]
)
def test_25_percent_public_ownership_or_more_is_not_an_sme(public_ownership, expected):
    assert category("3", "200000", "100000", public_ownership=Decimal(public_ownership)) == expected


def with_related(relation: str, stake: str, headcount: str, own_headcount: str = "6") -> str:
    enterprise = EnterpriseFactory(
        headcount=Decimal(own_headcount), turnover=Decimal(500_000), balance_sheet=Decimal(300_000)
    )
    RelatedEnterprise.objects.create(
        enterprise=enterprise,
        name="Holding",
        siren="552081317",
        relation=relation,
        stake=Decimal(stake),
        headcount=Decimal(headcount),
        turnover=Decimal(1_000_000),
        balance_sheet=Decimal(1_000_000),
    )
    enterprise.save()  # the category is derived on save
    return enterprise.sme_category


def test_a_partner_enterprise_counts_pro_rata_to_the_stake():
    assert with_related("partner", "30", headcount="10") == "micro"  # 6 + 3 = 9
    assert with_related("partner", "40", headcount="10") == "small"  # 6 + 4 = 10


def test_a_linked_enterprise_counts_in_full_whatever_the_stake():
    # 6 + 4 = 10 (pro rata at 51 % it would be 8.04, a micro-enterprise)
    assert with_related("linked", "51", headcount="4") == "small"


def test_related_money_figures_are_added_too():
    enterprise = EnterpriseFactory(
        headcount=Decimal(3), turnover=Decimal("1500000"), balance_sheet=Decimal("1500000")
    )
    RelatedEnterprise.objects.create(
        enterprise=enterprise,
        name="Filiale",
        siren="552081317",
        relation="linked",
        stake=Decimal(100),
        headcount=Decimal(1),
        turnover=Decimal("500000.01"),
        balance_sheet=Decimal("500000.01"),
    )
    enterprise.save()

    assert enterprise.sme_category == Enterprise.Category.SMALL
