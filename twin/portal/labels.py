"""Human labels (fr/nl/en) of the registry's EU vocabulary codes, data kinds and formats.

The registry stores EU authority IRIs (`gis.vocab`); these are the preferred labels the
Publications Office publishes for the codes the registry accepts (licence, frequency and
data-theme tables). A code without a label here (a future one) shows its code, never breaks.
"""

from __future__ import annotations

from typing import Final

from gis import vocab
from twin.portal.i18n import Lang

L = dict[Lang, str]

LICENCES: Final[dict[str, L]] = {
    "CC_BY_4_0": {"fr": "Creative Commons Attribution 4.0", "nl": "Creative Commons "
                  "Naamsvermelding 4.0", "en": "Creative Commons Attribution 4.0"},
    "CC_BY_SA_4_0": {"fr": "Creative Commons Attribution – Partage dans les mêmes conditions "
                     "4.0", "nl": "Creative Commons Naamsvermelding – Gelijk delen 4.0",
                     "en": "Creative Commons Attribution-ShareAlike 4.0"},
    "CC0": {"fr": "Creative Commons Zéro (domaine public)", "nl": "Creative Commons Zero "
            "(publiek domein)", "en": "Creative Commons Zero (public domain)"},
    "ODC_BY": {"fr": "Open Data Commons Attribution", "nl": "Open Data Commons Attribution",
               "en": "Open Data Commons Attribution"},
    "ODC_ODBL": {"fr": "Open Database License (ODbL)", "nl": "Open Database License (ODbL)",
                 "en": "Open Database License (ODbL)"},
    "ODC_PDDL": {"fr": "Open Data Commons Public Domain Dedication and License",
                 "nl": "Open Data Commons Public Domain Dedication and License",
                 "en": "Open Data Commons Public Domain Dedication and License"},
    "OGL_2_0": {"fr": "Open Government Licence 2.0", "nl": "Open Government Licence 2.0",
                "en": "Open Government Licence 2.0"},
    "EUPL_1_2": {"fr": "Licence publique de l'Union européenne 1.2", "nl": "European Union "
                 "Public Licence 1.2", "en": "European Union Public Licence 1.2"},
    "ETALAB_2_0": {"fr": "Licence Ouverte 2.0 (Etalab)", "nl": "Licence Ouverte 2.0 (Etalab)",
                   "en": "Open Licence 2.0 (Etalab)"},
    "GOVERNMENT_COMMON_USE": {"fr": "Licence d'utilisation commune des administrations",
                              "nl": "Licentie voor gemeenschappelijk gebruik door overheden",
                              "en": "Government common use licence"},
    "COM_REUSE": {"fr": "Réutilisation des documents de la Commission", "nl": "Hergebruik van "
                  "documenten van de Commissie", "en": "Commission reuse notice"},
    "PROPRIETARY_LICENCE": {"fr": "Licence propriétaire", "nl": "Eigendomslicentie",
                            "en": "Proprietary licence"},
}

FREQUENCIES: Final[dict[str, L]] = {
    "CONT": {"fr": "continue", "nl": "voortdurend", "en": "continuous"},
    "UPDATE_CONT": {"fr": "mise à jour continue", "nl": "voortdurend bijgewerkt",
                    "en": "continuously updated"},
    "DAILY": {"fr": "quotidienne", "nl": "dagelijks", "en": "daily"},
    "WEEKLY": {"fr": "hebdomadaire", "nl": "wekelijks", "en": "weekly"},
    "BIWEEKLY": {"fr": "bimensuelle", "nl": "tweewekelijks", "en": "fortnightly"},
    "MONTHLY": {"fr": "mensuelle", "nl": "maandelijks", "en": "monthly"},
    "BIMONTHLY": {"fr": "bimestrielle", "nl": "tweemaandelijks", "en": "bimonthly"},
    "QUARTERLY": {"fr": "trimestrielle", "nl": "driemaandelijks", "en": "quarterly"},
    "ANNUAL_2": {"fr": "semestrielle", "nl": "halfjaarlijks", "en": "semiannual"},
    "ANNUAL": {"fr": "annuelle", "nl": "jaarlijks", "en": "annual"},
    "BIENNIAL": {"fr": "biennale", "nl": "tweejaarlijks", "en": "biennial"},
    "TRIENNIAL": {"fr": "triennale", "nl": "driejaarlijks", "en": "triennial"},
    "IRREG": {"fr": "irrégulière", "nl": "onregelmatig", "en": "irregular"},
    "NEVER": {"fr": "jamais", "nl": "nooit", "en": "never"},
    "UNKNOWN": {"fr": "inconnue", "nl": "onbekend", "en": "unknown"},
    "OTHER": {"fr": "autre", "nl": "andere", "en": "other"},
    "AS_NEEDED": {"fr": "au besoin", "nl": "indien nodig", "en": "as needed"},
    "NOT_PLANNED": {"fr": "non planifiée", "nl": "niet gepland", "en": "not planned"},
}

THEMES: Final[dict[str, L]] = {
    "AGRI": {"fr": "Agriculture, pêche, sylviculture et alimentation", "nl": "Landbouw, "
             "visserij, bosbouw en voeding", "en": "Agriculture, fisheries, forestry and food"},
    "ECON": {"fr": "Économie et finances", "nl": "Economie en financiën",
             "en": "Economy and finance"},
    "EDUC": {"fr": "Éducation, culture et sport", "nl": "Onderwijs, cultuur en sport",
             "en": "Education, culture and sport"},
    "ENER": {"fr": "Énergie", "nl": "Energie", "en": "Energy"},
    "ENVI": {"fr": "Environnement", "nl": "Milieu", "en": "Environment"},
    "GOVE": {"fr": "Gouvernement et secteur public", "nl": "Overheid en publieke sector",
             "en": "Government and public sector"},
    "HEAL": {"fr": "Santé", "nl": "Gezondheid", "en": "Health"},
    "INTR": {"fr": "Questions internationales", "nl": "Internationale vraagstukken",
             "en": "International issues"},
    "JUST": {"fr": "Justice, système juridique et sécurité publique", "nl": "Justitie, "
             "rechtsstelsel en openbare veiligheid", "en": "Justice, legal system and public "
             "safety"},
    "OP_DATPRO": {"fr": "Données provisoires", "nl": "Voorlopige gegevens",
                  "en": "Provisional data"},
    "REGI": {"fr": "Régions et villes", "nl": "Regio's en steden", "en": "Regions and cities"},
    "SOCI": {"fr": "Population et société", "nl": "Bevolking en samenleving",
             "en": "Population and society"},
    "TECH": {"fr": "Science et technologie", "nl": "Wetenschap en technologie",
             "en": "Science and technology"},
    "TRAN": {"fr": "Transports", "nl": "Vervoer", "en": "Transport"},
}

KINDS: Final[dict[str, L]] = {
    "vector": {"fr": "Vecteur", "nl": "Vector", "en": "Vector"},
    "pointcloud": {"fr": "Nuage de points", "nl": "Puntenwolk", "en": "Point cloud"},
    "buildings3d": {"fr": "Bâtiments 3D", "nl": "3D-gebouwen", "en": "3D buildings"},
    "terrain": {"fr": "Relief", "nl": "Terrein", "en": "Terrain"},
    "bim": {"fr": "BIM", "nl": "BIM", "en": "BIM"},
    "table": {"fr": "Tableau", "nl": "Tabel", "en": "Table"},
}


def _label(table: dict[str, L], code: str, lang: Lang) -> str:
    found = table.get(code)
    return found[lang] if found else code.replace("_", " ")


def licence(iri: str, lang: Lang) -> str:
    return _label(LICENCES, vocab.short_code(iri), lang)


def frequency(iri: str, lang: Lang) -> str:
    return _label(FREQUENCIES, vocab.short_code(iri), lang)


def theme(iri_or_code: str, lang: Lang) -> str:
    return _label(THEMES, vocab.short_code(iri_or_code), lang)


def kind(code: str, lang: Lang) -> str:
    return _label(KINDS, code, lang)

#: the data.europa.eu MQA criteria (`twin.catalog.mqa`) as a reader understands them
MQA_CRITERIA: Final[dict[str, L]] = {
    "accessURL reachable": {"fr": "adresse d'accès joignable", "nl": "toegangsadres bereikbaar",
                            "en": "access address reachable"},
    "downloadURL": {"fr": "adresse de téléchargement", "nl": "downloadadres",
                    "en": "download address"},
    "downloadURL reachable": {"fr": "adresse de téléchargement joignable",
                              "nl": "downloadadres bereikbaar",
                              "en": "download address reachable"},
    "format": {"fr": "format", "nl": "formaat", "en": "format"},
    "mediaType": {"fr": "type de média", "nl": "mediatype", "en": "media type"},
    "format/mediaType from vocabulary": {"fr": "format et type de média des vocabulaires",
                                         "nl": "formaat en mediatype uit de vocabularia",
                                         "en": "format and media type from the vocabularies"},
    "non-proprietary": {"fr": "format non propriétaire", "nl": "niet-propriëtair formaat",
                        "en": "non-proprietary format"},
    "machine-readable": {"fr": "lisible par machine", "nl": "machineleesbaar",
                         "en": "machine-readable"},
    "licence": {"fr": "licence", "nl": "licentie", "en": "licence"},
    "licence from vocabulary": {"fr": "licence du vocabulaire européen",
                                "nl": "licentie uit het Europese vocabularium",
                                "en": "licence from the EU vocabulary"},
    "rights": {"fr": "droits", "nl": "rechten", "en": "rights"},
    "byteSize": {"fr": "taille des fichiers", "nl": "bestandsgrootte", "en": "file size"},
    "keyword": {"fr": "mots-clés", "nl": "trefwoorden", "en": "keywords"},
    "theme": {"fr": "thème", "nl": "thema", "en": "theme"},
    "spatial": {"fr": "couverture géographique", "nl": "geografische dekking",
                "en": "spatial coverage"},
    "temporal": {"fr": "couverture temporelle", "nl": "tijdsdekking", "en": "temporal coverage"},
    "accessRights": {"fr": "droits d'accès", "nl": "toegangsrechten", "en": "access rights"},
    "accessRights from vocabulary": {"fr": "droits d'accès du vocabulaire européen",
                                     "nl": "toegangsrechten uit het Europese vocabularium",
                                     "en": "access rights from the EU vocabulary"},
    "contactPoint": {"fr": "point de contact", "nl": "contactpunt", "en": "contact point"},
    "publisher": {"fr": "éditeur", "nl": "uitgever", "en": "publisher"},
    "issued": {"fr": "date de publication", "nl": "publicatiedatum", "en": "issue date"},
    "modified": {"fr": "date de mise à jour", "nl": "wijzigingsdatum",
                 "en": "modification date"},
}


def mqa_criterion(name: str, lang: Lang) -> str:
    return _label(MQA_CRITERIA, name, lang)
