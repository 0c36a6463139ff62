"""The demo's cast and catalogue: who the federations and funders are, which trades apply.

Plain data only; ``dossiers.demo`` turns it into rows. Names are fictional (the
federations are modelled on a building artisans' union, a bakers' federation and an
IT-services union; the funders on a regional bank, Bpifrance and an EU programme manager).
"""

from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Organisation

DEMO_PASSWORD = "grappe-demo"  # noqa: S105 (the documented demo password)


@dataclass(frozen=True)
class FederationSpec:
    key: str
    name: str
    campaign_reference: str  # also the marker that the demo is loaded
    campaign_name: str
    programme: str
    naf_prefixes: tuple[str, ...]
    funders: tuple[str, ...]  # keys of FUNDERS
    officer: str  # usernames of its demo logins
    manager: str


@dataclass(frozen=True)
class FunderSpec:
    key: str
    name: str
    kind: str
    officer: str


@dataclass(frozen=True)
class Trade:
    naf: str
    federation: str  # key of FEDERATIONS
    weight: int
    names: tuple[str, ...]  # templates: {last}, {first}, {city}, {de_city}…
    legal_forms: tuple[str, ...]
    nafa: tuple[str, ...] = ()  # finer artisan codes when the trade has them


FUNDERS = (
    FunderSpec(
        "bank",
        "Banque Coopérative des Territoires",
        Organisation.FunderKind.BANK,
        officer="funder",
    ),
    FunderSpec("bpi", "Bpifrance", Organisation.FunderKind.BPIFRANCE, officer="funder-bpi"),
    FunderSpec(
        "feder",
        "Agence de gestion des fonds européens (FEDER)",
        Organisation.FunderKind.EU_PROGRAMME,
        officer="funder-feder",
    ),
)

FEDERATIONS = (
    FederationSpec(
        key="bat",
        name="Union des artisans du bâtiment",
        campaign_reference="DEMO-BAT-NUMERIQUE",
        campaign_name="Chantier numérique des artisans du bâtiment",
        programme="Prêt numérique garanti et FEDER — transition numérique des TPE",
        naf_prefixes=("41.20", "43"),
        funders=("bank", "bpi"),
        officer="federation",
        manager="manager",
    ),
    FederationSpec(
        key="boul",
        name="Fédération des artisans boulangers-pâtissiers",
        campaign_reference="DEMO-BOUL-NUMERIQUE",
        campaign_name="Fournil connecté : commande en ligne et caisse",
        programme="FEDER — transition numérique des TPE",
        naf_prefixes=("10.71", "47.24"),
        funders=("bank", "feder"),
        officer="federation-boul",
        manager="manager-boul",
    ),
    FederationSpec(
        key="num",
        name="Syndicat des entreprises du numérique et du conseil",
        campaign_reference="DEMO-NUM-TPE",
        campaign_name="Premier pas numérique des commerces et services de proximité",
        programme="FEDER — chèque transition numérique, prêt numérique Bpifrance",
        naf_prefixes=("47", "56", "62", "63", "73", "74", "95", "96"),
        funders=("feder", "bpi"),
        officer="federation-num",
        manager="manager-num",
    ),
)

_COMPANY = ("SARL", "EURL", "SAS", "SASU", "EI")
TRADES = (
    Trade("10.71C", "boul", 15, ("Boulangerie {last}", "Au Fournil {de_city}",
          "Maison {last}", "Le Pain {de_first}"), _COMPANY),
    Trade("10.71D", "boul", 4, ("Pâtisserie {last}", "Les Délices {de_first}"), _COMPANY),
    Trade("47.24Z", "boul", 2, ("La Panetière {de_city}", "Dépôt de pain {last}"), _COMPANY),
    Trade("43.22A", "bat", 8, ("{last} Plomberie", "{last} et Fils", "Plomberie {de_city}"),
          _COMPANY),
    Trade("43.22B", "bat", 3, ("{last} Chauffage", "Clim' {city}"), _COMPANY),
    Trade("43.21A", "bat", 6, ("{last} Électricité", "Élec Services {city}"), _COMPANY),
    Trade("43.99C", "bat", 5, ("Maçonnerie {last}", "{last} Bâtiment"), _COMPANY),
    Trade("43.32A", "bat", 4, ("Menuiserie {last}", "L'Atelier bois {de_first}"), _COMPANY),
    Trade("43.34Z", "bat", 4, ("{last} Peinture", "Déco {last}"), _COMPANY),
    Trade("43.91B", "bat", 3, ("{last} Couverture", "Toitures {de_city}"), _COMPANY),
    Trade("96.02A", "num", 12, ("{first} Coiffure", "L'Atelier {de_first}", "Salon {last}"),
          _COMPANY, nafa=("96.02AA", "96.02AB")),
    Trade("96.02B", "num", 3, ("Institut {first}", "Beauté {city}"), _COMPANY),
    Trade("56.10A", "num", 12, ("Le Bistrot {de_city}", "Chez {first}", "Restaurant {last}"),
          _COMPANY),
    Trade("56.10C", "num", 4, ("Snack {first}", "{last} Burger"), _COMPANY),
    Trade("47.71Z", "num", 5, ("Boutique {first}", "Mode {last}"), _COMPANY),
    Trade("47.76Z", "num", 3, ("Fleurs {de_city}", "{first} Fleuriste"), _COMPANY),
    Trade("47.61Z", "num", 2, ("Librairie {last}", "La Page {de_city}"), _COMPANY),
    Trade("47.78C", "num", 3, ("Comptoir {last}", "Le Bazar {de_city}"), _COMPANY),
    Trade("62.01Z", "num", 5, ("{last} Informatique", "Code {city}"), ("SAS", "SASU", "EURL")),
    Trade("62.02A", "num", 2, ("{last} Conseil", "Numérique {city}"), ("SAS", "SASU")),
    Trade("74.10Z", "num", 1, ("Studio {first}", "Atelier graphique {last}"), ("SASU", "EI")),
    Trade("95.11Z", "num", 1, ("{last} Dépannage PC", "Info Service {city}"), ("SARL", "EI")),
)  # fmt: skip

# The chef-lieu of each département: the demo's enterprises sit there.
PREFECTURES = {
    "01": "Bourg-en-Bresse", "02": "Laon", "03": "Moulins", "04": "Digne-les-Bains",
    "05": "Gap", "06": "Nice", "07": "Privas", "08": "Charleville-Mézières", "09": "Foix",
    "10": "Troyes", "11": "Carcassonne", "12": "Rodez", "13": "Marseille", "14": "Caen",
    "15": "Aurillac", "16": "Angoulême", "17": "La Rochelle", "18": "Bourges", "19": "Tulle",
    "2A": "Ajaccio", "2B": "Bastia", "21": "Dijon", "22": "Saint-Brieuc", "23": "Guéret",
    "24": "Périgueux", "25": "Besançon", "26": "Valence", "27": "Évreux", "28": "Chartres",
    "29": "Quimper", "30": "Nîmes", "31": "Toulouse", "32": "Auch", "33": "Bordeaux",
    "34": "Montpellier", "35": "Rennes", "36": "Châteauroux", "37": "Tours",
    "38": "Grenoble", "39": "Lons-le-Saunier", "40": "Mont-de-Marsan", "41": "Blois",
    "42": "Saint-Étienne", "43": "Le Puy-en-Velay", "44": "Nantes", "45": "Orléans",
    "46": "Cahors", "47": "Agen", "48": "Mende", "49": "Angers", "50": "Saint-Lô",
    "51": "Châlons-en-Champagne", "52": "Chaumont", "53": "Laval", "54": "Nancy",
    "55": "Bar-le-Duc", "56": "Vannes", "57": "Metz", "58": "Nevers", "59": "Lille",
    "60": "Beauvais", "61": "Alençon", "62": "Arras", "63": "Clermont-Ferrand", "64": "Pau",
    "65": "Tarbes", "66": "Perpignan", "67": "Strasbourg", "68": "Colmar", "69": "Lyon",
    "70": "Vesoul", "71": "Mâcon", "72": "Le Mans", "73": "Chambéry", "74": "Annecy",
    "75": "Paris", "76": "Rouen", "77": "Melun", "78": "Versailles", "79": "Niort",
    "80": "Amiens", "81": "Albi", "82": "Montauban", "83": "Toulon", "84": "Avignon",
    "85": "La Roche-sur-Yon", "86": "Poitiers", "87": "Limoges", "88": "Épinal",
    "89": "Auxerre", "90": "Belfort", "91": "Évry-Courcouronnes", "92": "Nanterre",
    "93": "Bobigny", "94": "Créteil", "95": "Cergy", "971": "Basse-Terre",
    "972": "Fort-de-France", "973": "Cayenne", "974": "Saint-Denis", "976": "Mamoudzou",
}  # fmt: skip

# Weights roughly following population; every other département weighs 1.
DEPARTEMENT_WEIGHTS = {
    "75": 10, "13": 8, "59": 8, "69": 7, "92": 6, "93": 6, "33": 6, "31": 5, "44": 5,
    "94": 5, "06": 5, "67": 5, "34": 5, "78": 5, "77": 5, "91": 5, "95": 4, "76": 4,
    "35": 4, "38": 4, "62": 4, "83": 4, "57": 3, "974": 3, "29": 3, "971": 2, "972": 2,
    "2A": 2, "2B": 2, "973": 1, "976": 1, "23": 1, "48": 1,
}  # fmt: skip

LEGAL_FORM_WEIGHTS = {"SARL": 30, "EURL": 15, "SAS": 20, "SASU": 20, "EI": 15}


@dataclass(frozen=True)
class Project:
    category: str
    titles: tuple[str, ...]
    cost: tuple[int, int]  # excl. VAT, euros
    weight: int


PROJECTS = (
    Project("website", ("Site vitrine et prise de rendez-vous en ligne",
                        "Refonte du site internet et référencement local"), (3_000, 12_000), 25),
    Project("online_shop", ("Boutique en ligne et click-and-collect",
                            "Commande en ligne et paiement sans contact"), (8_000, 30_000), 25),
    Project("erp", ("Logiciel de gestion, devis et facturation électronique",
                    "Caisse connectée et gestion des stocks"), (10_000, 40_000), 20),
    Project("cybersecurity", ("Sauvegarde, pare-feu et sensibilisation de l'équipe",
                              "Audit et mise en conformité cybersécurité"), (5_000, 20_000), 15),
    Project("training", ("Formation de l'équipe aux outils numériques",), (2_000, 8_000), 10),
    Project("other", ("Tablettes de chantier et planning partagé",), (5_000, 20_000), 5),
)  # fmt: skip

SUPPLIERS = (
    "Atelier Web Creusois", "Numérique & Territoires", "Pixel Artisan", "Caisse Pro Services",
    "Cyber Vigie", "Formations du Commerce", "Logiciels du Bâtiment",
)  # fmt: skip

# How many requests end in each state, per hundred (every state appears at least once).
# Grouped, sent, approved and declined come later, from the collective files the eligible
# requests are bundled into (demo.collective): here they stay eligible.
STATE_WEIGHTS = {
    "draft": 12, "submitted": 11, "in_review": 11, "needs_changes": 8, "eligible": 47,
    "rejected": 5, "withdrawn": 6,
}  # fmt: skip

NOTES = {
    "request_changes": (
        "Merci de joindre un devis détaillé et signé.",
        "Le RIB fourni n'est pas au nom de l'entreprise : merci de le remplacer.",
        "Précisez la part matériel et la part prestation du projet.",
    ),
    "reject": (
        "Le projet ne relève pas de la transition numérique visée par la campagne.",
        "Projet déjà financé par un autre dispositif pour les mêmes dépenses.",
    ),
    "reopen": ("Nouvel élément transmis par l'entreprise : dossier réexaminé.",),
    "decline": (
        "Capacité de remboursement insuffisante au vu des derniers comptes.",
        "Endettement existant trop élevé pour un nouveau prêt.",
    ),
    "approve": ("Accord du comité de crédit.", "Accord du comité de programmation."),
    "resubmit": ("Pièces complétées.",),
}

PRIOR_AID_BODIES = (
    ("Région", "2023/2831"),
    ("Bpifrance", "2023/2831"),
    ("Chambre de métiers et de l'artisanat", "2023/2831"),
    ("Communauté de communes", "1407/2013"),
)

ZERO = Decimal("0.00")
