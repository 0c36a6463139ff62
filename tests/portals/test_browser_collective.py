"""A collective file's whole life in a real browser, with axe-core on every new page.

A federation officer, whose campaign has reviewed requests (built through the services,
not the interface), previews the grouping and runs it, opens the bundle, seals it,
builds its documents (the progress bar reaches the end), downloads the package and sends
the bundle to the funder. The funder's analyst finds it in the inbox, approves one member
with an amount, declines another with a reason and approves the last. The SME reads the
outcome on its request. Screenshots go to test-artifacts/screenshots/.
"""

import io
import json
import zipfile
from pathlib import Path

import pytest

from dossiers.models import RequestState
from grouping.models import Bundle, GroupingPolicy
from tests.factories import CampaignFactory, FederationFactory, FunderFactory, UserFactory
from tests.grouping.builders import eligible_request, reviewed_request
from tests.portals.browser import Visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def cast():
    """The campaign, its rules, three reviewed requests of one trade and territory (the
    first one Claire's) and one request of another trade that will stay out."""
    federation = FederationFactory(name="Fédération des boulangers de la Creuse")
    bank = FunderFactory(name="Banque des Artisans du Limousin")
    officer = UserFactory(
        username="paul.officer", officer=True, organisation=federation, first_name="Paul",
        last_name="Durand",
    )  # fmt: skip
    UserFactory(
        username="jeanne.bank", funder=True, organisation=bank, first_name="Jeanne",
        last_name="Roux",
    )  # fmt: skip
    claire = UserFactory(username="claire", first_name="Claire", last_name="Martin")
    campaign = CampaignFactory(
        federation=federation, funders=[bank], name="Premier pas numérique des boulangers"
    )
    GroupingPolicy.objects.create(
        campaign=campaign, trade_level="subclass", territory_level="departement", funder=bank
    )
    requests = [reviewed_request(campaign, officer=officer) for _ in range(3)]
    names = ("Boulangerie Martin", "Au Pain Creusois", "Fournil de Guéret")
    for request, name in zip(requests, names, strict=True):
        request.enterprise.name = name
        request.enterprise.save()
    requests[0].enterprise.representatives.add(claire)
    eligible_request(campaign, naf="62.01Z", departement="75")
    return campaign, requests


def test_a_collective_file_goes_from_grouping_to_the_funders_decisions(browser_page, live_server):
    campaign, requests = cast()
    page, visit = browser_page, Visit(browser_page, live_server.url)

    # --- The officer tunes the rules, previews, runs the grouping.
    visit.sign_in("paul.officer")
    visit.go(f"/federation/campagnes/{campaign.reference}/")
    page.get_by_role("link", name="Regrouper les demandes éligibles").click()
    page.get_by_text("Modifier les règles").click()
    page.select_option("#id_step1_trade", "subclass")
    page.select_option("#id_step1_territory", "region")
    visit.check("11-grouping-rules")
    visit.click("Enregistrer les règles")
    assert "Règles de regroupement enregistrées." in page.inner_text("main")
    assert "sous-classe NAF × région" in page.inner_text("section[aria-labelledby=regles]")
    visit.click("Voir l'aperçu (simulation)")
    preview = page.inner_text("#apercu")
    assert "Boulangerie et boulangerie-pâtisserie (NAF 10.71C), Creuse (23)" in preview
    assert "Trop peu de demandes comparables" in preview
    assert not Bundle.objects.exists()
    visit.check("12-grouping-preview")
    visit.click("Lancer le regroupement")
    page.wait_for_selector(".job-status:has-text('Terminé')")
    assert page.get_attribute("#regroupement progress", "value") == "100"
    bundle = Bundle.objects.get()
    assert bundle.member_count == 3
    visit.check("13-grouping-result")

    # --- Opens the bundle, seals it, builds its documents, downloads the package.
    page.get_by_role("link", name=bundle.reference).click()
    assert "Boulangerie Martin" in page.inner_text("table.members")
    visit.check("14-bundle-draft")
    visit.confirm("Sceller le dossier")
    assert "Scellé" in page.inner_text("h1")
    visit.click("Construire les documents")
    page.wait_for_selector("#documents .job-status:has-text('Terminé')")
    assert page.get_attribute("#documents progress", "value") == "100"
    assert "Prêt à transmettre" in page.inner_text("h1")
    visit.check("15-bundle-documents")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le paquet (ZIP)").click()
    assert download.value.suggested_filename == f"{bundle.reference}-paquet.zip"
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest and "manifest.json" in archive.namelist()
    page.fill("#note-submit", "Dossier complet, trois boulangeries de la Creuse.")
    visit.confirm("Transmettre au financeur")
    assert "Transmis au financeur" in page.inner_text("h1")
    visit.check("16-bundle-submitted")
    visit.sign_out()

    # --- The funder decides, member by member.
    visit.sign_in("jeanne.bank")
    assert bundle.reference in page.inner_text("main")
    visit.check("17-funder-inbox")
    page.get_by_role("link", name=bundle.reference).click()
    visit.check("18-funder-bundle")
    page.get_by_role("link", name="Décider — Boulangerie Martin").click()
    visit.check("19-funder-decision")
    page.check("#id_decision_0")
    page.fill("#id_amount", "10 000")
    page.fill("#id_duration_months", "60")
    page.fill("#id_rate", "4.2")
    page.select_option("#id_guarantor", "bpifrance")
    page.fill("#id_guarantee_share", "80")
    visit.click("Enregistrer la décision")
    assert "financement accordé" in page.inner_text(".messages")
    page.get_by_role("link", name="Décider — Au Pain Creusois").click()
    page.check("#id_decision_1")
    visit.click("Enregistrer la décision")
    assert "Un motif est obligatoire pour un refus." in page.inner_text("main")
    visit.check("20-funder-decision-error")
    page.select_option("#id_decline_code", "financials")
    page.fill("#id_reason", "Fonds propres insuffisants au regard du prêt demandé.")
    visit.click("Enregistrer la décision")
    page.get_by_role("link", name="Décider — Fournil de Guéret").click()
    page.check("#id_decision_0")
    page.fill("#id_duration_months", "48")
    page.fill("#id_rate", "3.9")
    visit.click("Enregistrer la décision")
    assert "Décidé" in page.inner_text("h1")
    assert "Partiellement accordé" in page.inner_text("main")
    visit.check("21-funder-bundle-decided")
    visit.sign_out()

    # --- The SME reads the outcome on its request.
    visit.sign_in("claire")
    page.get_by_role("link", name=requests[0].reference).click()
    collective = page.inner_text("section[aria-labelledby=dossier-collectif]")
    assert bundle.reference in collective and "Banque des Artisans du Limousin" in collective
    lines = page.inner_text("section[aria-labelledby=lignes-financement]")
    lines = lines.replace("\u00a0", " ").replace("\u202f", " ")
    assert "Prêt bancaire : accordée 10 000,00 € sur 12 000,00 €" in lines
    assert "Reste à financer" in lines and "2 000,00 €" in lines
    timeline = page.inner_text("ol.timeline")
    for step in (
        "Toutes ses lignes sont dans un dossier collectif",
        "Toutes ses lignes sont transmises aux financeurs",
        "Financement accordé : 10 000,00 €", "par Jeanne Roux (Banque des Artisans du Limousin)",
    ):  # fmt: skip
        assert step in timeline.replace("\u00a0", " ").replace("\u202f", " ")
    visit.check("22-sme-outcome")
    requests[0].refresh_from_db()
    assert requests[0].state == RequestState.APPROVED
    assert requests[0].approved_amount == 10000
