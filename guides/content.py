"""Each project type's steps, in the entrepreneur's words (shown on its guide page)."""

from django.utils.translation import gettext_lazy as _

STEPS = {
    "website": [
        _("Écrivez en une page ce que vos clients doivent trouver : horaires, prix, contact."),
        _("Demandez deux ou trois devis à des prestataires proches, comparez-les à la référence."),
        _("Réservez votre nom de domaine au nom de l'entreprise, pas à celui du prestataire."),
        _("Fournissez textes et photos ; relisez le site avant sa mise en ligne."),
        _("Demandez une courte formation pour modifier vous-même horaires et actualités."),
    ],
    "online_shop": [
        _("Choisissez les produits à vendre en ligne d'abord : une vingtaine suffit."),
        _("Décidez comment vous livrez ou faites retirer les commandes, et à quel prix."),
        _("Comparez des devis : création, paiement en ligne, frais mensuels et formation."),
        _("Préparez photos, descriptions et conditions générales de vente."),
        _("Testez une commande de bout en bout avant d'ouvrir la boutique."),
    ],
    "erp": [
        _("Listez ce que vous faites aujourd'hui à la main : devis, factures, stock, planning."),
        _("Demandez une démonstration sur vos propres cas, pas sur un exemple du vendeur."),
        _("Vérifiez la reprise de vos données et l'export si vous changez de logiciel."),
        _("Prévoyez du temps de formation pour chaque personne qui l'utilisera."),
    ],
    "cybersecurity": [
        _("Faites l'inventaire : ordinateurs, téléphones, comptes en ligne, sauvegardes."),
        _("Commencez par les sauvegardes hors ligne et les mots de passe."),
        _("Demandez un diagnostic à un prestataire de proximité avant tout achat."),
        _("Formez l'équipe à reconnaître un courriel piégé."),
    ],
    "training": [
        _("Dites ce que vous voulez savoir faire à la fin, en une phrase."),
        _("Choisissez une formation courte, sur vos outils, à des horaires compatibles."),
        _("Demandez si un financement de votre opérateur de compétences s'ajoute à l'aide."),
    ],
    "other": [
        _("Décrivez le problème à résoudre avant la solution."),
        _("Demandez plusieurs devis et comparez-les à la référence de coûts."),
        _("Vérifiez les aides avant de signer : certaines exigent une demande préalable."),
    ],
}
