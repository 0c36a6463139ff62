"""What a newcomer tripped on, kept fixed in a real browser (Debian's chromium).

Each test walks one friction the way a new user met it; every page it looks at is checked
with axe at 1280 px and at a phone's 390 px (``Visit.check``), where it must fit the screen.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from dossiers import workflow
from dossiers.models import RequestState
from tests.factories import make_request, tiny_pdf, valid_siren, valid_siret
from tests.portals.browser import Visit
from tests.portals.conftest import submitted_bundle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def spaced(siret: str) -> str:
    """A SIRET as printed on a Kbis: « 812 345 676 00017 »."""
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def test_a_request_sent_back_for_changes_leads_with_what_to_change(
    browser_page, live_server, world
):
    page, visit = browser_page, Visit(browser_page, live_server.url)
    visit.sign_in("owner")
    row = page.get_by_role("row", name=re.compile(world.request.reference))
    assert "À vous d'agir" in row.inner_text()
    visit.check("n01-sme-list-action-needed")

    page.get_by_role("link", name=world.request.reference).click()
    lead = page.locator("main section").first
    assert "votre fédération demande des compléments" in lead.inner_text()
    assert "Merci de joindre un Kbis récent." in lead.inner_text()
    assert "vous pouvez la déposer" not in page.inner_text("main")
    visit.check("n01-sme-needs-changes")


def test_a_siret_typed_with_spaces_is_kept_whole_on_both_forms(browser_page, live_server, world):
    page, visit = browser_page, Visit(browser_page, live_server.url)
    typed = spaced(valid_siret(valid_siren(812_345)))
    visit.sign_in("owner")
    visit.go("/demandes/nouvelle/")
    page.locator("#id_ent-siret").press_sequentially(typed)
    assert page.input_value("#id_ent-siret") == typed
    visit.sign_out()

    visit.sign_in("officer")
    visit.go("/federation/demandes/preremplir/")
    page.locator("#id_ent-siret").press_sequentially(typed)
    assert page.input_value("#id_ent-siret") == typed
    visit.check("n02-federation-prefill")


def test_the_grouping_page_counts_collectives_per_state(browser_page, live_server, world):
    from tests.grouping.builders import eligible_request, run_grouping

    page, visit = browser_page, Visit(browser_page, live_server.url)
    campaign = world.request.campaign
    submitted_bundle(world)  # one sent to the funder
    for departement in ("19", "87"):  # two proposed, in two other départements
        eligible_request(campaign, departement=departement)
        eligible_request(campaign, departement=departement)
    run_grouping(campaign, actor=world.users["fed_officer"])

    visit.sign_in("officer")
    visit.go(f"/federation/campagnes/{campaign.reference}/regroupement/")
    counts = page.locator("p", has_text="Dossiers par état").inner_text()
    assert "Proposé : 2" in counts and "Transmis au financeur : 1" in counts
    visit.check("n03-grouping-counts")


def test_the_plan_is_edited_on_one_page_with_a_running_balance(browser_page, live_server, world):
    page, visit = browser_page, Visit(browser_page, live_server.url)
    reference = world.request.reference
    visit.sign_in("owner")
    visit.go(f"/demandes/{reference}/plan/")
    sources = page.locator("[data-formset='sources'] tbody tr")
    before = sources.count()

    # A line is added in place: same page, nothing saved, the new line's first field focused.
    page.get_by_role("button", name="Ajouter une ligne (ressources)").click()
    assert page.url.endswith(f"/demandes/{reference}/plan/") and sources.count() == before + 1
    new = before  # 0-based index of the new line
    page.select_option(f"#id_sources-{new}-kind", "own_funds")
    page.fill(f"#id_sources-{new}-label", "Apport personnel")
    page.fill(f"#id_sources-{new}-amount", "1 000")
    balance = re.sub(r"[\u202f\xa0]", " ", page.locator("#plan-balance").inner_text())
    assert "Total des ressources\n25 000,00 €" in balance  # what was just typed counts
    assert "1 000,00 € — à équilibrer" in balance
    visit.check("n04-plan-line-added")

    # A negative amount: one message, not two.
    page.fill(f"#id_sources-{new}-amount", "-5")
    visit.click("Enregistrer le plan")
    field = page.locator(f"#id_sources-{new}-amount").locator("xpath=..")
    assert field.locator(".errorlist li").count() == 1
    visit.check("n04-plan-negative-amount")

    # Without scripts the same button posts the form back with one more line, unsaved.
    context = page.context.browser.new_context(java_script_enabled=False, locale="fr-FR")
    plain = context.new_page()
    try:
        Visit(plain, live_server.url).sign_in("owner")
        plain.goto(f"{live_server.url}/demandes/{reference}/plan/")
        rows = plain.locator("[data-formset='uses'] tbody tr")
        count = rows.count()
        plain.fill("#id_uses-0-label", "Tapé avant d'ajouter")
        plain.get_by_role("button", name="Ajouter une ligne (besoins)").click()
        plain.wait_for_load_state()
        assert rows.count() == count + 1
        assert plain.input_value("#id_uses-0-label") == "Tapé avant d'ajouter"
    finally:
        context.close()
    world.request.refresh_from_db()
    assert not world.request.financing_lines.filter(label="Tapé avant d'ajouter").exists()


def test_irreversible_steps_ask_a_second_click_and_a_removed_document_can_be_put_back(
    browser_page, live_server, world
):
    page, visit = browser_page, Visit(browser_page, live_server.url)
    officer = world.users["fed_officer"]
    in_review = make_request(campaign=world.request.campaign)
    workflow.perform(in_review, "submit", actor=None)
    workflow.perform(in_review, "start_review", actor=officer)

    visit.sign_in("officer")
    visit.go(f"/federation/demandes/{in_review.reference}/")
    page.locator("summary", has_text="Déclarer éligible").click()
    assert page.get_by_role("button", name="Confirmer : Déclarer éligible").is_visible()
    in_review.refresh_from_db()
    assert in_review.state == RequestState.IN_REVIEW  # opening the box did nothing
    visit.check("n06-confirm-eligible")
    visit.click("Confirmer : Déclarer éligible")
    in_review.refresh_from_db()
    assert in_review.state == RequestState.ELIGIBLE
    visit.sign_out()

    # The SME removes its Kbis by mistake, then puts it back.
    visit.sign_in("owner")
    visit.go(f"/demandes/{world.request.reference}/pieces/")
    name = world.document.stored_file.original_name
    page.get_by_role("button", name=f"Retirer {name}").click()
    page.wait_for_load_state()
    removed = page.locator("section", has_text="Pièces retirées")
    assert name in removed.inner_text()
    visit.check("n06-document-removed")
    page.get_by_role("button", name=f"Remettre {name}").click()
    page.wait_for_load_state()
    assert world.request.documents.filter(stored_file=world.document.stored_file).exists()
    assert "remise le" in page.locator("section", has_text="Pièces retirées").inner_text()


def test_on_a_phone_a_long_note_does_not_widen_the_funders_pages(browser_page, live_server, world):
    from grouping.models import BundleTransition

    page, visit = browser_page, Visit(browser_page, live_server.url)
    bundle = submitted_bundle(world)
    sha = "9f2c" * 16  # an unbroken SHA-256, as pasted in a note
    BundleTransition.objects.filter(bundle=bundle, transition="submit").update(
        note=f"Paquet transmis, SHA-256 {sha}"
    )
    visit.sign_in("funder")
    visit.at_phone_width()
    visit.check("n07-funder-inbox-390")
    state = page.locator("td[data-label='État']").first
    box = state.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # the state is on screen
    page.get_by_role("link", name=bundle.reference).click()
    assert sha[:16] in page.inner_text("main")
    visit.check("n07-funder-bundle-390")


def test_english_readers_get_dates_day_first_and_regions_in_english(
    browser_page, live_server, world
):
    page, visit = browser_page, Visit(browser_page, live_server.url)
    visit.sign_in("officer")
    page.select_option("#language-switch", "en")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_load_state()
    visit.go("/federation/demandes/")
    labels = page.inner_text("form[role=search]")
    assert "Region" in labels and "Department" in labels
    assert "Région" not in labels and "Département" not in labels
    visit.go(f"/federation/demandes/{world.request.reference}/")
    history = page.locator("#historique").locator("xpath=..").inner_text()
    today = timezone.localdate()
    assert f"{today.day} {today.strftime('%b')} {today.year}" in history
    assert not re.search(r"\b\d{2}/\d{2}/\d{4}\b", history)
    visit.check("n08-english-review")


def test_an_outdated_kbis_is_refused_at_upload_and_a_description_has_a_limit(
    browser_page, live_server, world
):
    page, visit = browser_page, Visit(browser_page, live_server.url)
    visit.sign_in("owner")
    visit.go(f"/demandes/{world.request.reference}/pieces/")
    page.select_option("#id_kind", "kbis")
    nine_months_ago = timezone.localdate() - timedelta(days=270)
    page.fill("#id_issued_on", nine_months_ago.isoformat())
    page.set_input_files(
        "#id_file", files=[{"name": "vieux-kbis.pdf", "mimeType": "application/pdf",
                            "buffer": tiny_pdf()}],
    )  # fmt: skip
    visit.click("Déposer la pièce")
    issued = page.locator("#id_issued_on").locator("xpath=..")
    assert "n'est plus valable depuis le" in issued.inner_text()
    assert not world.request.documents.filter(stored_file__original_name="vieux-kbis.pdf")
    visit.check("n09-outdated-kbis")

    visit.go(f"/demandes/{world.request.reference}/projet/")
    assert page.get_attribute("#id_project_description", "maxlength") == "4000"


def test_a_refused_decision_is_not_worded_like_a_decline(browser_page, live_server, world):
    from grouping.models import BundleMember

    page, visit = browser_page, Visit(browser_page, live_server.url)
    bundle = submitted_bundle(world)
    member = bundle.members.order_by("pk").first()
    visit.sign_in("funder")
    visit.go(f"/financeur/dossiers-collectifs/{bundle.reference}/membres/{member.pk}/")
    page.check("#id_decision_0")  # approve...
    page.fill("#id_amount", str(int(member.asked) + 1000))  # ...more than was asked
    visit.click("Enregistrer la décision")
    said = page.inner_text("main")
    assert f"La décision sur {member.request.reference} n'a pas pu être enregistrée" in said
    assert "refusée" not in said
    assert BundleMember.objects.get(pk=member.pk).status == BundleMember.Status.ACTIVE
    visit.check("n12-decision-not-recorded")


def test_lists_sort_act_on_a_selection_search_and_show_new_messages(
    browser_page, live_server, world
):
    from dossiers.messages import post_message

    page, visit = browser_page, Visit(browser_page, live_server.url)
    campaign, officer = world.request.campaign, world.users["fed_officer"]
    submitted = []
    for _ in range(2):
        request = make_request(campaign=campaign)
        workflow.perform(request, "submit", actor=None)
        submitted.append(request)
    post_message(world.request, author=world.users["sme_owner"], body="Voici le Kbis demandé.")

    visit.sign_in("officer")
    visit.go("/federation/demandes/")
    row = page.get_by_role("row", name=re.compile(world.request.reference))
    assert "1 nouveau message" in row.inner_text()

    # Sorting by reference, then the other way.
    page.get_by_role("link", name=re.compile("^Référence — ")).click()
    page.wait_for_load_state()
    header = page.locator("th[aria-sort]")
    assert header.get_attribute("aria-sort") == "ascending"
    refs = page.locator("tbody tr td:nth-child(2) a").all_inner_texts()
    assert refs == sorted(refs)
    page.get_by_role("link", name=re.compile("^Référence — ")).click()
    page.wait_for_load_state()
    refs = page.locator("tbody tr td:nth-child(2) a").all_inner_texts()
    assert refs == sorted(refs, reverse=True)
    visit.check("n10-federation-list-sorted")

    # "Start review" on a selection: one request moved on meanwhile, the other goes ahead.
    for request in submitted:
        page.check(f"#select-{request.reference}")
    workflow.perform(submitted[1], "start_review", actor=officer)  # someone was quicker
    visit.click("Commencer l'instruction des demandes cochées")
    results = page.locator("#resultats")
    lines = results.locator("li").all_inner_texts()
    assert any(submitted[0].reference in line and "fait :" in line for line in lines)
    assert any(submitted[1].reference in line and "non fait" in line for line in lines)
    for request in submitted:
        request.refresh_from_db()
        assert request.state == RequestState.IN_REVIEW
    visit.check("n10-bulk-results")

    # The message is read once the request's page is opened.
    visit.go(f"/federation/demandes/{world.request.reference}/")
    visit.go("/federation/demandes/")
    row = page.get_by_role("row", name=re.compile(world.request.reference))
    assert "nouveau message" not in row.inner_text()
    visit.sign_out()

    # The funder's inbox opens on "to decide" and searches by member enterprise.
    bundle = submitted_bundle(world)
    member = bundle.members.select_related("request__enterprise").first()
    visit.sign_in("funder")
    assert page.input_value("#id_state") == "submitted"
    page.fill("#id_q", member.request.enterprise.name)
    visit.click("Filtrer")
    assert bundle.reference in page.inner_text("main")
    page.fill("#id_q", "aucune entreprise de ce nom")
    visit.click("Filtrer")
    assert "Aucun dossier ne correspond à cette recherche." in page.inner_text("main")
    visit.check("n10-funder-inbox-search")


def test_an_email_links_its_reader_to_the_page_it_is_about(
    browser_page, live_server, world, settings, mailoutbox
):
    page, visit = browser_page, Visit(browser_page, live_server.url)
    settings.SITE_URL = live_server.url
    reference = world.request.reference
    visit.sign_in("owner")
    visit.go(f"/demandes/{reference}/")
    page.fill("#id_body", "Le Kbis récent est joint.")
    visit.click("Envoyer le message")
    visit.sign_out()

    officer = world.users["fed_officer"].email
    to_officer = next(m for m in mailoutbox if m.to == [officer] and "message" in m.subject)
    assert world.request.enterprise.name in to_officer.subject  # not "votre demande"
    assert "votre demande" not in to_officer.body
    link = re.search(r"http://\S+", to_officer.body).group(0)
    assert link == f"{live_server.url}/demandes/{reference}/messages/"
    visit.sign_in("officer")
    page.goto(link)
    assert "Le Kbis récent est joint." in page.inner_text("main")
    visit.check("n11-email-link-thread")
