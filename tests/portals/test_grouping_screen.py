"""The federation's grouping screen: rules edited with clear errors, a preview that writes
no bundle, a run as a background job, then the bundles and the requests left out."""

import pytest
from django.urls import reverse

from dossiers.workflow import Forbidden
from grouping.models import Bundle, GroupingPolicy, GroupingRun
from grouping.policies import save_policy
from tests.factories import UserFactory
from tests.grouping.builders import campaign_with_policy, eligible_request, officer_of
from tests.portals.pages import text
from workers.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    campaign = campaign_with_policy()
    for _ in range(3):
        eligible_request(campaign, naf="10.71C", departement="23")
    eligible_request(campaign, naf="62.01Z", departement="75")  # alone in its trade
    return campaign


@pytest.fixture
def officer(campaign, client):
    officer = officer_of(campaign)
    client.force_login(officer)
    return officer


def rules(campaign, **changes) -> dict:
    data = {
        "trade_level": "subclass",
        "territory_level": "departement",
        "step1_trade": "subclass",
        "step1_territory": "region",
        "min_members": "2",
        "max_members": "10",
        "target_members": "",
        "target_loan": "",
        "funder": str(campaign.funders.get().pk),
    }
    policy = GroupingPolicy.objects.filter(campaign=campaign).first()
    data["version"] = str(policy.version) if policy else ""  # the version the form showed
    data.update(changes)
    return data


def url(name, campaign) -> str:
    return reverse(f"portals:{name}", args=[campaign.reference])


def test_the_screen_shows_the_rules_the_funders_figures_and_the_ladder(client, officer, campaign):
    page = text(client.get(url("grouping", campaign)))

    assert "Règles de regroupement" in page
    assert "<li>sous-classe NAF × département</li><li>sous-classe NAF × région</li>" in page
    assert "de 2 à 10 membres" in page
    assert "Prêts cumulés par dossier" in page and "20\u00a0000,00\u00a0€" in page


def test_the_officer_saves_new_rules(client, officer, campaign):
    response = client.post(
        url("grouping", campaign),
        rules(campaign, step2_trade="division", step2_territory="region", target_members="3"),
    )

    assert response.status_code == 302
    policy = GroupingPolicy.objects.get(campaign=campaign)
    assert policy.widening == [["subclass", "region"], ["division", "region"]]
    assert policy.target_members == 3
    assert (policy.updated_by, policy.version) == (officer, 2)
    assert "Règles de regroupement enregistrées." in text(client.get(response.url))


def test_rules_changed_by_a_colleague_meanwhile_are_not_overwritten(client, officer, campaign):
    form_shown = rules(campaign, target_members="3")
    colleague = UserFactory(
        officer=True, organisation=campaign.federation, first_name="Inès", last_name="Roux"
    )
    policy = GroupingPolicy.objects.get(campaign=campaign)
    policy.max_members = 12
    save_policy(policy, actor=colleague, expected_version=policy.version)

    response = client.post(url("grouping", campaign), form_shown)

    assert response.status_code == 409
    page = text(response)
    assert "Modification simultanée" in page
    assert "modifiées par Inès Roux le" in page
    saved = GroupingPolicy.objects.get(campaign=campaign)
    assert (saved.max_members, saved.target_members, saved.version) == (12, None, 2)
    assert 'name="target_members" value="3"' in page  # what was typed is kept
    assert 'name="version" value="2"' in page  # now against the rules shown

    again = client.post(url("grouping", campaign), {**form_shown, "version": "2"})

    assert again.status_code == 302
    saved.refresh_from_db()
    assert (saved.max_members, saved.target_members, saved.version) == (10, 3, 3)


def test_another_federation_cannot_save_the_rules(campaign):
    outsider = UserFactory(officer=True)
    policy = GroupingPolicy.objects.get(campaign=campaign)

    with pytest.raises(Forbidden):
        save_policy(policy, actor=outsider, expected_version=policy.version)


def test_a_step_that_does_not_widen_is_refused_and_named(client, officer, campaign):
    response = client.post(
        url("grouping", campaign),
        rules(campaign, step1_trade="subclass", step1_territory="departement"),
    )

    page = text(response)
    assert response.status_code == 200
    assert "Certaines informations sont à corriger" in page
    assert "Étape 2 : elle répète l'étape précédente." in page
    assert GroupingPolicy.objects.get(campaign=campaign).widening == [["subclass", "region"]]


def test_a_step_with_one_level_only_is_refused_next_to_the_missing_level(client, officer, campaign):
    page = text(client.post(url("grouping", campaign), rules(campaign, step2_trade="division")))

    assert "Choisissez les deux niveaux de l'étape, ou aucun." in page
    assert 'href="#id_step2_territory"' in page  # the summary links to the field


def test_sizes_out_of_order_are_refused_with_the_models_reasons(client, officer, campaign):
    page = text(
        client.post(url("grouping", campaign), rules(campaign, min_members="5", max_members="3"))
    )

    assert "Le maximum de membres est inférieur au minimum." in page


def test_the_preview_proposes_bundles_and_explains_who_stays_out(client, officer, campaign):
    response = client.post(url("grouping_preview", campaign))

    page = text(response)
    assert response.status_code == 200
    assert "Aperçu — rien n'a été enregistré" in page
    assert "Boulangerie et boulangerie-pâtisserie (NAF 10.71C), Creuse (23)" in page
    assert "Trop peu de demandes comparables" in page
    assert not Bundle.objects.filter(campaign=campaign).exists()
    assert GroupingRun.objects.get(campaign=campaign).dry_run


def test_the_preview_without_rules_says_what_to_do(client, officer, campaign):
    GroupingPolicy.objects.filter(campaign=campaign).delete()

    page = text(client.post(url("grouping_preview", campaign)))

    assert "Regroupement impossible" in page
    assert "n'a pas de règles de regroupement" in page


def test_a_run_is_a_background_job_whose_result_the_page_then_shows(
    client, officer, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("grouping_run", campaign))

    job = Job.objects.get(kind=Job.Kind.RUN_GROUPING)
    assert response.status_code == 302
    assert response.url.endswith(f"&job={job.pk}#regroupement")
    assert (job.state, job.created_by) == ("done", officer)  # eager Celery in tests
    page = text(client.get(response.url))
    assert f'data-job-progress="/jobs/{job.pk}/progress"' in page
    assert 'value="100"' in page
    bundle = Bundle.objects.get(campaign=campaign)
    assert reverse("portals:bundle", args=[bundle.reference]) in page
    counts = " ".join(page.split('<ul class="counts">')[1].split("</ul>")[0].split())
    assert counts == (
        "<li><strong>4</strong> demandes éligibles</li> "
        "<li><strong>1</strong> dossier proposé</li> "
        "<li><strong>3</strong> demandes placées</li> "
        "<li><strong>1</strong> demande restée sans dossier</li>"
    )
    assert "Trop peu de demandes comparables" in page


def test_a_run_without_rules_is_not_started(client, officer, campaign):
    GroupingPolicy.objects.filter(campaign=campaign).delete()

    response = client.post(url("grouping_run", campaign))

    assert response.status_code == 302
    assert not Job.objects.exists()
    assert "n'a pas de règles de regroupement" in text(client.get(response.url))


def test_a_campaign_without_rules_starts_from_a_usable_ladder(client):
    campaign = campaign_with_policy()
    GroupingPolicy.objects.filter(campaign=campaign).delete()
    client.force_login(officer_of(campaign))
    page = text(client.get(url("grouping", campaign)))
    assert "n'a pas encore de règles" in page

    form = client.get(url("grouping", campaign)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["funder"] = str(campaign.funders.get().pk)
    data = {name: "" if value is None else value for name, value in data.items()}
    response = client.post(url("grouping", campaign), data)

    assert response.status_code == 302, response.context["form"].errors
    policy = GroupingPolicy.objects.get(campaign=campaign)
    assert policy.ladder == [
        ("subclass", "departement"),
        ("subclass", "region"),
        ("division", "region"),
        ("division", "national"),
    ]
    assert policy.version == 1
