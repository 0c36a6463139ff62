"""Which column holds what: the header row, found below any title, read through synonyms.

Headers are compared once normalised (lower case, no accents, no punctuation): « N°
SIRET », « siret », « Numéro SIRET » all read ``siret``. A federation's own spellings are
kept in its ``ColumnMapping`` and tried before the shared synonyms, so a sheet mapped once
is understood the next time.
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

FIELDS = {
    "siret": _("SIRET"),
    "name": _("Raison sociale"),
    "legal_form": _("Forme juridique"),
    "creation_date": _("Date de création"),
    "naf_code": _("Code NAF/APE"),
    "departement": _("Département"),
    "postal_code": _("Code postal"),
    "city": _("Commune"),
    "address": _("Adresse"),
    "headcount": _("Effectif"),
    "turnover": _("Chiffre d'affaires"),
    "balance_sheet": _("Total de bilan"),
    "email": _("E-mail du représentant"),
    "first_name": _("Prénom"),
    "last_name": _("Nom du représentant"),
    "project_title": _("Intitulé du projet"),
    "project_category": _("Catégorie de projet"),
    "project_description": _("Description du projet"),
}
REQUIRED = ("siret", "name")

SYNONYMS = {
    "siret": ["siret", "n siret", "no siret", "numero siret", "num siret", "siret etablissement",
              "siret de l etablissement", "siret number", "establishment number"],
    "name": ["raison sociale", "nom", "nom de l entreprise", "entreprise", "societe",
             "denomination", "denomination sociale", "adherent", "nom adherent", "company",
             "company name", "business name", "name", "member"],
    "legal_form": ["forme juridique", "forme", "statut juridique", "statut", "legal form",
                   "legal status"],
    "creation_date": ["date de creation", "creation", "date creation", "cree le",
                      "date d immatriculation", "immatriculation", "creation date",
                      "date of incorporation", "founded", "founded on"],
    "naf_code": ["naf", "ape", "code naf", "code ape", "naf ape", "code naf ape", "ape naf",
                 "code ape naf", "activite naf", "naf code", "ape code", "activity code"],
    "departement": ["departement", "dept", "dep", "n departement", "code departement",
                    "department"],
    "postal_code": ["code postal", "cp", "postal code", "zip", "zip code", "postcode"],
    "city": ["commune", "ville", "localite", "city", "town"],
    "address": ["adresse", "adresse postale", "rue", "address", "street"],
    "headcount": ["effectif", "effectifs", "salaries", "nombre de salaries", "nb salaries",
                  "effectif uta", "uta", "etp", "headcount", "employees", "staff"],
    "turnover": ["chiffre d affaires", "ca", "ca ht", "chiffre d affaires ht", "ca annuel",
                 "turnover", "revenue", "annual turnover", "sales"],
    "balance_sheet": ["total de bilan", "total bilan", "bilan", "balance sheet",
                      "balance sheet total", "total assets"],
    "email": ["email", "e mail", "courriel", "mail", "adresse e mail", "adresse mail",
              "email du representant", "e mail du dirigeant", "email address", "contact email"],
    "first_name": ["prenom", "prenom du dirigeant", "prenom du representant", "first name"],
    "last_name": ["nom du dirigeant", "nom du representant", "dirigeant", "representant",
                  "contact", "last name", "surname", "manager"],
    "project_title": ["projet", "intitule du projet", "intitule", "titre du projet",
                      "project", "project title"],
    "project_category": ["categorie de projet", "categorie", "type de projet",
                         "project category", "project type"],
    "project_description": ["description du projet", "description", "project description"],
}  # fmt: skip

HEADER_SEARCH_ROWS = 30  # a title block taller than this is not a member list


def normalise(header) -> str:
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


_LOOKUP = {normalise(s): field for field, words in SYNONYMS.items() for s in words}


def field_for(header, saved: dict[str, str] | None = None) -> str | None:
    key = normalise(header)
    if saved and key in saved:
        return saved[key] or None  # an empty saved choice means "ignore this column"
    return _LOOKUP.get(key)


def map_headers(values: list, saved: dict[str, str] | None = None) -> dict[int, str]:
    """Column index → field for one candidate header row; a field's first column wins."""
    mapping: dict[int, str] = {}
    for index, header in enumerate(values):
        field = field_for(header, saved)
        if field and field not in mapping.values():
            mapping[index] = field
    return mapping


def is_header(mapping: dict[int, str]) -> bool:
    """A header row names the SIRET and at least one other known column."""
    return "siret" in mapping.values() and len(mapping) >= 2
