"""Cost references through the API: any organisation's token reads them; a secret cell
gives its count and no statistic."""

from costs.references import recompute
from tests.costs.helpers import add_quotes
from tests.factories import EnterpriseFactory, make_request

URL = "/api/v1/cost-references/"


def _cells():
    published = make_request(complete=False)
    add_quotes(published, {p: [str(7000 + 100 * i) for i in range(12)] for p in (1, 2, 3)})
    secret = make_request(complete=False, enterprise=EnterpriseFactory(departement="35"))
    add_quotes(secret, {1: ["5000", "6000"]})
    recompute()


def test_a_funder_reads_the_references_and_secret_cells_show_only_their_count(bank):
    _cells()
    response = bank.get(URL)
    assert response.status_code == 200
    rows = {row["region"]: row for row in response.json()["results"]}
    assert rows["75"]["published"] is True and rows["75"]["count"] == 36
    assert rows["75"]["median"] is not None and rows["75"]["p90"] is not None
    assert rows["53"] == {
        **rows["53"],
        "published": False,
        "count": 2,
        "median": None,
        "p25": None,
        "p75": None,
        "p10": None,
        "p90": None,
    }


def test_the_references_filter_by_region(fed_read_only):
    _cells()
    rows = fed_read_only.get(URL, {"region": "53"}).json()["results"]
    assert [row["region"] for row in rows] == ["53"]


def test_without_a_token_the_references_are_refused(anonymous):
    assert anonymous.get(URL).status_code == 401


def test_a_year_that_is_not_a_number_is_a_400_naming_it(fed_read_only):
    response = fed_read_only.get(URL, {"year": "deux-mille"})
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "year"
