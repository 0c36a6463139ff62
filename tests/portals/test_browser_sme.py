"""A request's whole round trip in a real browser, with axe-core on every main page.

An SME signs in, creates and completes a request, submits it; a federation officer asks
for changes; the SME replies and submits again; the officer declares it eligible; the SME
reads the timeline. Screenshots go to test-artifacts/screenshots/.
"""

import pytest

from dossiers.models import FundingRequest, RequestState
from tests.factories import CampaignFactory, UserFactory, add_document, tiny_pdf
from tests.portals.browser import Visit

# serialized_rollback: the flush after this transactional test would otherwise also remove
# the scheme parameters loaded by a data migration, which later tests need.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_sme_request_goes_round_trip_through_review(browser_page, live_server):
    officer = UserFactory(username="paul.officer", officer=True, first_name="Paul")
    campaign = CampaignFactory(federation=officer.organisation, name="Premier pas numérique")
    UserFactory(username="claire", first_name="Claire", last_name="Martin")
    page, visit = browser_page, Visit(browser_page, live_server.url)

    # --- The SME signs in and creates a request, with a typo first.
    visit.go("/")
    visit.check("01-login")
    visit.sign_in("claire")
    visit.check("02-sme-empty-list")
    page.get_by_role("link", name="Nouvelle demande").first.click()
    page.select_option("#id_campaign", str(campaign.pk))
    page.fill("#id_ent-name", "Boulangerie Martin")
    page.fill("#id_ent-siret", "12345678901234")
    page.select_option("#id_ent-legal_form", "SARL")
    page.fill("#id_ent-creation_date", "2014-03-01")
    page.fill("#id_ent-naf_code", "10.71C")
    page.fill("#id_ent-departement", "23")
    page.fill("#id_ent-headcount", "4")
    page.fill("#id_ent-turnover", "450 000")
    page.fill("#id_ent-balance_sheet", "300 000")
    page.select_option("#id_req-project_category", "online_shop")
    page.fill("#id_req-project_title", "Boutique en ligne")
    page.fill("#id_req-project_description", "Commande en ligne, retrait en boutique.")
    visit.click("Créer la demande")
    assert "clé de contrôle" in page.inner_text("main")
    assert page.input_value("#id_ent-name") == "Boulangerie Martin"  # nothing typed is lost
    visit.check("03-sme-create-errors")
    from tests.factories import valid_siren, valid_siret

    page.fill("#id_ent-siret", valid_siret(valid_siren(777_001)))
    visit.click("Créer la demande")
    request = FundingRequest.objects.get()
    assert page.url.endswith(f"/demandes/{request.reference}/")

    # --- Completes it, step by step.
    page.get_by_role("link", name="Projet, activité et mandat").click()
    page.check("#id_activity_confirmed")
    page.fill("#id_mandate_signed_by", "Claire Martin, gérante")
    page.fill("#id_mandate_signed_on", "2026-11-02")
    visit.click("Enregistrer")
    page.get_by_role("link", name="Plan de financement").click()
    page.fill("#id_uses-0-label", "Site marchand et paiement en ligne")
    page.fill("#id_uses-0-amount", "24 000")
    page.select_option("#id_sources-0-kind", "grant")
    page.fill("#id_sources-0-label", "Subvention FEDER")
    page.fill("#id_sources-0-amount", "10 000")
    visit.click("Enregistrer le plan")
    page.get_by_role("link", name="Plan de financement").click()  # add the other sources
    page.select_option("#id_sources-1-kind", "loan")
    page.fill("#id_sources-1-label", "Prêt bancaire")
    page.fill("#id_sources-1-amount", "14 000")
    visit.check("04-sme-plan")
    visit.click("Enregistrer le plan")
    page.get_by_role("link", name="Devis fournisseurs").click()
    page.fill("#id_quotes-0-supplier_name", "Atelier Web Creusois")
    page.fill("#id_quotes-0-quote_date", "2026-10-20")
    page.fill("#id_quotes-0-amount_excl_vat", "24 000")
    visit.click("Enregistrer les devis")
    page.get_by_role("link", name="Déclaration des aides de minimis").click()
    page.fill("#id_declared_by", "Claire Martin, gérante")
    page.fill("#id_declared_on", "2026-11-02")
    page.check("#id_no_aid_received")
    visit.click("Enregistrer la déclaration")
    page.get_by_role("link", name="Pièces justificatives").click()
    page.select_option("#id_kind", "kbis")
    page.fill("#id_issued_on", "2026-11-01")
    kbis = {"name": "kbis.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}
    page.set_input_files("#id_file", files=[kbis])
    visit.click("Déposer la pièce")
    assert "kbis.pdf" in page.inner_text("main")
    for kind in ("manager_id", "rib", "statutes", "tax_return", "tax_certificate",
                 "social_certificate", "quote"):  # the rest, quicker  # fmt: skip
        add_document(request, kind)
    visit.check("05-sme-documents")
    page.get_by_role("link", name="Retour à la demande").click()
    assert "Votre demande est complète" in page.inner_text("main")
    visit.check("06-sme-request-complete")
    visit.click("Déposer la demande")
    assert "Déposée" in page.inner_text("h1")
    visit.sign_out()

    # --- The officer asks for changes.
    visit.sign_in("paul.officer")
    visit.check("07-federation-list")
    page.get_by_role("link", name=request.reference).click()
    visit.click("Commencer l'instruction")
    visit.check("08-federation-review")
    page.fill("#note-request_changes", "Le RIB doit être au nom de la société.")
    visit.click("Demander des compléments")
    assert "À compléter" in page.inner_text("h1")
    visit.go(f"/federation/campagnes/{campaign.reference}/")
    visit.check("09-federation-dashboard")
    visit.sign_out()

    # --- The SME reads the note, replies and submits again.
    visit.sign_in("claire")
    page.get_by_role("link", name=request.reference).click()
    assert "Le RIB doit être au nom de la société." in page.inner_text("#messages")
    page.fill("#id_body", "Voici le RIB au nom de la SARL.")
    visit.click("Envoyer le message")
    assert "Voici le RIB au nom de la SARL." in page.inner_text("#messages")
    visit.click("Déposer à nouveau")
    visit.sign_out()

    # --- The officer declares it eligible.
    visit.sign_in("paul.officer")
    visit.go(f"/federation/demandes/{request.reference}/")
    assert "Voici le RIB au nom de la SARL." in page.inner_text("#messages")
    visit.click("Commencer l'instruction")
    visit.confirm("Déclarer éligible")
    assert "Éligible" in page.inner_text("h1")
    visit.sign_out()

    # --- The SME sees the whole story.
    visit.sign_in("claire")
    page.get_by_role("link", name=request.reference).click()
    timeline = page.inner_text("ol.timeline")
    for step in (
        "Demande créée", "Demande déposée", "Instruction commencée", "Compléments demandés",
        "Demande complétée et déposée à nouveau", "Demande jugée éligible",
    ):  # fmt: skip
        assert step in timeline
    assert "par Paul" in timeline
    visit.check("10-sme-timeline")
    request.refresh_from_db()
    assert request.state == RequestState.ELIGIBLE
