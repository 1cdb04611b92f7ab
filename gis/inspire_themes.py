"""The 34 INSPIRE spatial data themes (Directive 2007/2/EC, Annexes I-III) as a data table.

Source: the INSPIRE theme register, http://inspire.ec.europa.eu/theme (the "GEMET - INSPIRE
themes, version 1.0" thesaurus, publication date 2008-06-01), labels in fr/nl/en/de as the
register publishes them. A layer declares theme *codes* (``cp``, ``tn``...); metadata needs
the label in the record's language, the theme URI and an ISO topic category, so all three
live in one table the registry validates codes against and the ISO 19139 records read.
It is a module rather than a JSON file so that it ships with the package without packaging
rules of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

THEME_URI = "http://inspire.ec.europa.eu/theme/"
THESAURUS_TITLE = "GEMET - INSPIRE themes, version 1.0"
THESAURUS_DATE = "2008-06-01"
THESAURUS_URI = "http://inspire.ec.europa.eu/theme"


@dataclass(frozen=True)
class Theme:
    code: str
    fr: str
    nl: str
    en: str
    de: str
    #: ISO 19115 MD_TopicCategoryCode that fits the theme's data (INSPIRE TG, Table 2)
    topic: str

    @property
    def uri(self) -> str:
        return THEME_URI + self.code

    def label(self, language: str) -> str:
        return str(getattr(self, language, self.en))


_ROWS = [
    ("ad", "Adresses", "Adressen", "Addresses", "Adressen", "location"),
    ("au", "Unités administratives", "Bestuurlijke eenheden", "Administrative units",
     "Verwaltungseinheiten", "boundaries"),
    ("rs", "Référentiels de coordonnées", "Coördinaatreferentiesystemen",
     "Coordinate reference systems", "Koordinatenreferenzsysteme", "location"),
    ("gg", "Systèmes de maillage géographique", "Geografische rastersystemen",
     "Geographical grid systems", "Geografische Gittersysteme", "location"),
    ("cp", "Parcelles cadastrales", "Kadastrale percelen", "Cadastral parcels",
     "Flurstücke/Grundstücke", "planningCadastre"),
    ("gn", "Dénominations géographiques", "Geografische namen", "Geographical names",
     "Geografische Bezeichnungen", "location"),
    ("hy", "Hydrographie", "Hydrografie", "Hydrography", "Gewässernetz", "inlandWaters"),
    ("ps", "Sites protégés", "Beschermde gebieden", "Protected sites", "Schutzgebiete",
     "environment"),
    ("tn", "Réseaux de transport", "Vervoersnetwerken", "Transport networks", "Verkehrsnetze",
     "transportation"),
    ("el", "Altitude", "Hoogte", "Elevation", "Höhe", "elevation"),
    ("ge", "Géologie", "Geologie", "Geology", "Geologie", "geoscientificInformation"),
    ("lc", "Occupation des terres", "Bodemgebruik", "Land cover", "Bodenbedeckung",
     "imageryBaseMapsEarthCover"),
    ("oi", "Ortho-imagerie", "Orthobeeldvorming", "Orthoimagery", "Orthofotografie",
     "imageryBaseMapsEarthCover"),
    ("am", "Zones de gestion, de restriction ou de réglementation et unités de déclaration",
     "Gebiedsbeheer, gebieden waar beperkingen gelden, gereguleerde gebieden en "
     "rapportage-eenheden", "Area management/restriction/regulation zones and reporting units",
     "Bewirtschaftungsgebiete/Schutzgebiete/geregelte Gebiete und Berichterstattungseinheiten",
     "planningCadastre"),
    ("ac", "Conditions atmosphériques", "Atmosferische omstandigheden", "Atmospheric conditions",
     "Atmosphärische Bedingungen", "climatologyMeteorologyAtmosphere"),
    ("br", "Régions biogéographiques", "Biogeografische gebieden", "Bio-geographical regions",
     "Biogeografische Regionen", "biota"),
    ("bu", "Bâtiments", "Gebouwen", "Buildings", "Gebäude", "structure"),
    ("er", "Sources d'énergie", "Energiebronnen", "Energy resources", "Energiequellen",
     "economy"),
    ("ef", "Installations de suivi environnemental", "Milieumonitoringvoorzieningen",
     "Environmental monitoring facilities", "Umweltüberwachung", "structure"),
    ("hb", "Habitats et biotopes", "Habitats en biotopen", "Habitats and biotopes",
     "Lebensräume und Biotope", "biota"),
    ("hh", "Santé et sécurité des personnes", "Menselijke gezondheid en veiligheid",
     "Human health and safety", "Gesundheit und Sicherheit", "health"),
    ("lu", "Usage des sols", "Landgebruik", "Land use", "Bodennutzung", "planningCadastre"),
    ("mr", "Ressources minérales", "Minerale bronnen", "Mineral resources",
     "Mineralische Bodenschätze", "economy"),
    ("nz", "Zones à risque naturel", "Gebieden met natuurrisico's", "Natural risk zones",
     "Gebiete mit naturbedingten Risiken", "geoscientificInformation"),
    ("of", "Caractéristiques géographiques océanographiques",
     "Oceanografische geografische kenmerken", "Oceanographic geographical features",
     "Ozeanografisch-geografische Kennwerte", "oceans"),
    ("pd", "Répartition de la population — démographie", "Spreiding van de bevolking — demografie",
     "Population distribution — demography", "Verteilung der Bevölkerung — Demografie",
     "society"),
    ("pf", "Lieux de production et sites industriels", "Productie- en industriefaciliteiten",
     "Production and industrial facilities", "Produktions- und Industrieanlagen", "structure"),
    ("af", "Installations agricoles et aquacoles", "Landbouw- en aquacultuurfaciliteiten",
     "Agricultural and aquaculture facilities",
     "Landwirtschaftliche Anlagen und Aquakulturanlagen", "farming"),
    ("sr", "Régions maritimes", "Zeegebieden", "Sea regions", "Meeresregionen", "oceans"),
    ("so", "Sols", "Bodem", "Soil", "Boden", "geoscientificInformation"),
    ("su", "Unités statistiques", "Statistische eenheden", "Statistical units",
     "Statistische Einheiten", "boundaries"),
    ("sd", "Répartition des espèces", "Spreiding van soorten", "Species distribution",
     "Verteilung der Arten", "biota"),
    ("us", "Services d'utilité publique et services publics", "Nutsdiensten en overheidsdiensten",
     "Utility and governmental services", "Versorgungswirtschaft und staatliche Dienste",
     "utilitiesCommunication"),
    ("mf", "Caractéristiques géographiques météorologiques",
     "Meteorologische geografische kenmerken", "Meteorological geographical features",
     "Meteorologisch-geografische Kennwerte", "climatologyMeteorologyAtmosphere"),
]

THEMES: dict[str, Theme] = {row[0]: Theme(*row) for row in _ROWS}


def check_codes(codes: list[str]) -> list[str]:
    """The codes, lower-cased and de-duplicated in order; an unknown code is an error that
    lists the valid ones (a typo must not silently drop a record out of INSPIRE)."""
    seen: list[str] = []
    for raw in codes:
        code = raw.strip().lower().removeprefix(THEME_URI)
        if code not in THEMES:
            raise ValueError(f"{raw!r} is not an INSPIRE theme code; one of: "
                             f"{', '.join(sorted(THEMES))}")
        if code not in seen:
            seen.append(code)
    return seen
