"""The portal's languages: every UI string in French, Dutch and English, chosen per request.

The strings are a typed Python mapping (one entry per message, its three translations side
by side), which a unit test checks for completeness: no catalogue compilation step, and a
missing translation fails the tests, never a page. Dates and numbers go through Babel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

Lang = Literal["fr", "nl", "en"]
LANGUAGES: Final[tuple[Lang, ...]] = ("fr", "nl", "en")
LOCALES: Final[dict[Lang, str]] = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}
LANGUAGE_NAMES: Final[dict[Lang, str]] = {"fr": "Français", "nl": "Nederlands", "en": "English"}

M = dict[Lang, str]
MESSAGES: Final[dict[str, M]] = {
    "site_title": {"fr": "Données ouvertes de {publisher}", "nl": "Open data van {publisher}",
                   "en": "Open data of {publisher}"},
    "skip": {"fr": "Aller au contenu", "nl": "Naar de inhoud", "en": "Skip to content"},
    "nav_home": {"fr": "Accueil", "nl": "Home", "en": "Home"},
    "nav_search": {"fr": "Jeux de données", "nl": "Datasets", "en": "Datasets"},
    "nav_reuses": {"fr": "Réutilisations", "nl": "Hergebruik", "en": "Reuses"},
    "nav_about": {"fr": "À propos et contact", "nl": "Over en contact",
                  "en": "About and contact"},
    "nav_viewer": {"fr": "Jumeau numérique 3D", "nl": "Digitale 3D-tweeling",
                   "en": "3D digital twin"},
    "nav_api": {"fr": "API OGC", "nl": "OGC-API", "en": "OGC API"},
    "language": {"fr": "Langue", "nl": "Taal", "en": "Language"},
    "main_nav": {"fr": "Navigation principale", "nl": "Hoofdnavigatie", "en": "Main navigation"},
    "search_label": {"fr": "Rechercher des données", "nl": "Data zoeken", "en": "Search data"},
    "search_button": {"fr": "Rechercher", "nl": "Zoeken", "en": "Search"},
    "search_placeholder": {"fr": "p. ex. parcelles, bâtiments, routes",
                           "nl": "bv. percelen, gebouwen, wegen",
                           "en": "e.g. parcels, buildings, roads"},
    "home_intro": {
        "fr": "Trouvez, visualisez et téléchargez les données géographiques de la commune, "
              "et dites-nous ce que vous en faites.",
        "nl": "Vind, bekijk en download de geodata van de gemeente, en laat ons weten wat u "
              "ermee doet.",
        "en": "Find, preview and download the commune's geodata, and tell us what you make "
              "of it."},
    "themes": {"fr": "Thèmes", "nl": "Thema's", "en": "Themes"},
    "latest": {"fr": "Dernières mises à jour", "nl": "Laatste updates", "en": "Latest updates"},
    "popular": {"fr": "Les plus utilisés", "nl": "Meest gebruikt", "en": "Most used"},
    "datasets_count": {"fr": "{n} jeux de données", "nl": "{n} datasets", "en": "{n} datasets"},
    "results": {"fr": "{n} résultats", "nl": "{n} resultaten", "en": "{n} results"},
    "results_for": {"fr": "pour « {q} »", "nl": "voor ‘{q}’", "en": "for “{q}”"},
    "no_results": {"fr": "Aucun jeu de données ne correspond.",
                   "nl": "Geen datasets gevonden.", "en": "No dataset matches."},
    "filters": {"fr": "Filtres", "nl": "Filters", "en": "Filters"},
    "apply_filters": {"fr": "Appliquer", "nl": "Toepassen", "en": "Apply"},
    "clear_filters": {"fr": "Effacer les filtres", "nl": "Filters wissen",
                      "en": "Clear filters"},
    "facet_theme": {"fr": "Thème", "nl": "Thema", "en": "Theme"},
    "facet_producer": {"fr": "Producteur", "nl": "Producent", "en": "Producer"},
    "facet_licence": {"fr": "Licence", "nl": "Licentie", "en": "Licence"},
    "facet_format": {"fr": "Format", "nl": "Formaat", "en": "Format"},
    "facet_frequency": {"fr": "Fréquence de mise à jour", "nl": "Updatefrequentie",
                        "en": "Update frequency"},
    "facet_kind": {"fr": "Type de données", "nl": "Soort data", "en": "Data kind"},
    "sort": {"fr": "Trier par", "nl": "Sorteren op", "en": "Sort by"},
    "sort_relevance": {"fr": "Pertinence", "nl": "Relevantie", "en": "Relevance"},
    "sort_updated": {"fr": "Dernière mise à jour", "nl": "Laatste update",
                     "en": "Last update"},
    "sort_popular": {"fr": "Popularité", "nl": "Populariteit", "en": "Popularity"},
    "page": {"fr": "Page {n}", "nl": "Pagina {n}", "en": "Page {n}"},
    "previous": {"fr": "Précédent", "nl": "Vorige", "en": "Previous"},
    "next": {"fr": "Suivant", "nl": "Volgende", "en": "Next"},
    "updated_on": {"fr": "Mis à jour le {d}", "nl": "Bijgewerkt op {d}", "en": "Updated {d}"},
    "never_loaded": {"fr": "Pas encore de données", "nl": "Nog geen data", "en": "No data yet"},
    "fresh": {"fr": "à jour", "nl": "actueel", "en": "up to date"},
    "late": {"fr": "en retard de {n} jours", "nl": "{n} dagen achter", "en": "{n} days late"},
    "no_schedule": {"fr": "sans calendrier", "nl": "zonder planning", "en": "no schedule"},
    "description": {"fr": "Description", "nl": "Beschrijving", "en": "Description"},
    "facts": {"fr": "Informations", "nl": "Gegevens", "en": "Facts"},
    "identifier": {"fr": "Identifiant", "nl": "Identificatie", "en": "Identifier"},
    "publisher": {"fr": "Éditeur", "nl": "Uitgever", "en": "Publisher"},
    "keywords": {"fr": "Mots-clés", "nl": "Trefwoorden", "en": "Keywords"},
    "first_published": {"fr": "Première publication", "nl": "Eerste publicatie",
                        "en": "First published"},
    "last_updated": {"fr": "Dernière mise à jour", "nl": "Laatste update",
                     "en": "Last updated"},
    "features": {"fr": "Objets", "nl": "Objecten", "en": "Features"},
    "freshness": {"fr": "Fraîcheur", "nl": "Actualiteit", "en": "Freshness"},
    "quality": {"fr": "Qualité", "nl": "Kwaliteit", "en": "Quality"},
    "quality_load": {"fr": "Dernier chargement : {read} lus, {loaded} chargés, {repaired} "
                           "réparés, {rejected} rejetés.",
                     "nl": "Laatste lading: {read} gelezen, {loaded} geladen, {repaired} "
                           "hersteld, {rejected} geweigerd.",
                     "en": "Last load: {read} read, {loaded} loaded, {repaired} repaired, "
                           "{rejected} rejected."},
    "mqa_score": {"fr": "Score de qualité des métadonnées (MQA data.europa.eu) : {score} / "
                        "{max} — {rating}",
                  "nl": "Score metadatakwaliteit (MQA data.europa.eu): {score} / {max} — "
                        "{rating}",
                  "en": "Metadata quality score (data.europa.eu MQA): {score} / {max} — "
                        "{rating}"},
    "mqa_missing": {"fr": "Ce qui manque", "nl": "Wat ontbreekt", "en": "What is missing"},
    "mqa_complete": {"fr": "Rien ne manque.", "nl": "Er ontbreekt niets.",
                     "en": "Nothing is missing."},
    "rating_Excellent": {"fr": "excellent", "nl": "uitstekend", "en": "excellent"},
    "rating_Good": {"fr": "bon", "nl": "goed", "en": "good"},
    "rating_Sufficient": {"fr": "suffisant", "nl": "voldoende", "en": "sufficient"},
    "rating_Bad": {"fr": "insuffisant", "nl": "onvoldoende", "en": "bad"},
    "map_preview": {"fr": "Aperçu cartographique", "nl": "Kaartvoorbeeld", "en": "Map preview"},
    "map_label": {"fr": "Carte de {title}", "nl": "Kaart van {title}", "en": "Map of {title}"},
    "map_noscript": {"fr": "La carte interactive demande JavaScript ; les données restent "
                           "disponibles ci-dessous.",
                     "nl": "De interactieve kaart vraagt JavaScript; de data blijven hieronder "
                           "beschikbaar.",
                     "en": "The interactive map needs JavaScript; the data stay available "
                           "below."},
    "open_viewer": {"fr": "Ouvrir dans le visualiseur 3D", "nl": "Openen in de 3D-viewer",
                    "en": "Open in the 3D viewer"},
    "table_preview": {"fr": "Aperçu du tableau", "nl": "Tabelvoorbeeld", "en": "Table preview"},
    "table_noscript": {"fr": "Voir les objets dans l'API", "nl": "Bekijk de objecten in de API",
                       "en": "See the features in the API"},
    "attributes": {"fr": "Attributs", "nl": "Attributen", "en": "Attributes"},
    "attribute": {"fr": "Attribut", "nl": "Attribuut", "en": "Attribute"},
    "type": {"fr": "Type", "nl": "Type", "en": "Type"},
    "filled": {"fr": "Rempli", "nl": "Ingevuld", "en": "Filled"},
    "values": {"fr": "Valeurs", "nl": "Waarden", "en": "Values"},
    "distinct": {"fr": "{n} valeurs distinctes", "nl": "{n} verschillende waarden",
                 "en": "{n} distinct values"},
    "range": {"fr": "de {min} à {max}", "nl": "van {min} tot {max}", "en": "from {min} to {max}"},
    "histogram": {"fr": "Histogramme de {name}", "nl": "Histogram van {name}",
                  "en": "Histogram of {name}"},
    "downloads": {"fr": "Téléchargements", "nl": "Downloads", "en": "Downloads"},
    "file": {"fr": "Fichier", "nl": "Bestand", "en": "File"},
    "size": {"fr": "Taille", "nl": "Grootte", "en": "Size"},
    "crs": {"fr": "Système de coordonnées", "nl": "Coördinatenstelsel",
            "en": "Coordinate system"},
    "built_on_demand": {"fr": "créé au premier téléchargement",
                        "nl": "aangemaakt bij de eerste download",
                        "en": "built on first download"},
    "no_files": {"fr": "Pas encore de fichiers.", "nl": "Nog geen bestanden.",
                 "en": "No files yet."},
    "api_use": {"fr": "Utiliser les données", "nl": "De data gebruiken", "en": "Use the data"},
    "qgis_steps": {"fr": "QGIS : Couche › Ajouter une couche › Ajouter une couche WFS / OGC API "
                         "Features, nouvelle connexion avec l'URL :",
                   "nl": "QGIS: Kaartlagen › Laag toevoegen › WFS / OGC API Features-laag "
                         "toevoegen, nieuwe verbinding met de URL:",
                   "en": "QGIS: Layer › Add Layer › Add WFS / OGC API Features Layer, new "
                         "connection with the URL:"},
    "versions": {"fr": "Versions", "nl": "Versies", "en": "Versions"},
    "version_n": {"fr": "Version {n}", "nl": "Versie {n}", "en": "Version {n}"},
    "permalink": {"fr": "lien permanent", "nl": "vaste link", "en": "permanent link"},
    "usage": {"fr": "Utilisation (12 derniers mois)", "nl": "Gebruik (laatste 12 maanden)",
              "en": "Usage (last 12 months)"},
    "month": {"fr": "Mois", "nl": "Maand", "en": "Month"},
    "api_requests": {"fr": "Requêtes API", "nl": "API-verzoeken", "en": "API requests"},
    "no_usage": {"fr": "Pas encore d'utilisation enregistrée.", "nl": "Nog geen gebruik "
                 "geregistreerd.", "en": "No usage recorded yet."},
    "questions": {"fr": "Questions et réponses", "nl": "Vragen en antwoorden",
                  "en": "Questions and answers"},
    "answer": {"fr": "Réponse", "nl": "Antwoord", "en": "Answer"},
    "no_questions": {"fr": "Pas encore de question publiée.", "nl": "Nog geen gepubliceerde "
                     "vragen.", "en": "No published question yet."},
    "contact_producer": {"fr": "Contacter le producteur", "nl": "De producent contacteren",
                         "en": "Contact the producer"},
    "feedback_kind": {"fr": "Votre message est", "nl": "Uw bericht is", "en": "Your message is"},
    "kind_question": {"fr": "une question", "nl": "een vraag", "en": "a question"},
    "kind_error": {"fr": "une erreur à signaler", "nl": "een fout melden",
                   "en": "an error report"},
    "kind_suggestion": {"fr": "une suggestion", "nl": "een suggestie", "en": "a suggestion"},
    "message": {"fr": "Message", "nl": "Bericht", "en": "Message"},
    "name_optional": {"fr": "Nom (facultatif)", "nl": "Naam (optioneel)",
                      "en": "Name (optional)"},
    "email_optional": {"fr": "E-mail (facultatif, jamais publié)",
                       "nl": "E-mail (optioneel, nooit gepubliceerd)",
                       "en": "E-mail (optional, never published)"},
    "consent": {"fr": "J'accepte que mon adresse soit conservée {days} jours pour me répondre.",
                "nl": "Ik ga akkoord dat mijn adres {days} dagen bewaard wordt om te antwoorden.",
                "en": "I agree that my address is kept {days} days to answer me."},
    "honeypot": {"fr": "Ne remplissez pas ce champ", "nl": "Vul dit veld niet in",
                 "en": "Leave this field empty"},
    "send": {"fr": "Envoyer", "nl": "Versturen", "en": "Send"},
    "thanks": {"fr": "Merci ! Votre message a été transmis au producteur.",
               "nl": "Bedankt! Uw bericht is doorgestuurd naar de producent.",
               "en": "Thank you! Your message was passed on to the producer."},
    "reuses_title": {"fr": "Réutilisations", "nl": "Hergebruik", "en": "Reuses"},
    "reuses_intro": {"fr": "Ce que les citoyens, entreprises et chercheurs ont fait des données.",
                     "nl": "Wat burgers, bedrijven en onderzoekers met de data gemaakt hebben.",
                     "en": "What citizens, companies and researchers made with the data."},
    "no_reuses": {"fr": "Pas encore de réutilisation publiée.",
                  "nl": "Nog geen gepubliceerd hergebruik.",
                  "en": "No published reuse yet."},
    "share_reuse": {"fr": "Signaler une réutilisation", "nl": "Hergebruik melden",
                    "en": "Show a reuse"},
    "reuse_title": {"fr": "Titre", "nl": "Titel", "en": "Title"},
    "reuse_url": {"fr": "Adresse web", "nl": "Webadres", "en": "Web address"},
    "reuse_image": {"fr": "Image (adresse, facultatif)", "nl": "Afbeelding (adres, optioneel)",
                    "en": "Image (address, optional)"},
    "reuse_of": {"fr": "Données : {title}", "nl": "Data: {title}", "en": "Data: {title}"},
    "about_title": {"fr": "À propos et contact", "nl": "Over en contact",
                    "en": "About and contact"},
    "about_text": {
        "fr": "Ce portail publie les données géographiques de {publisher} sous licences "
              "ouvertes : API OGC, tuiles vectorielles, modèle 3D et catalogue DCAT-AP.",
        "nl": "Dit portaal publiceert de geodata van {publisher} onder open licenties: "
              "OGC-API's, vectortegels, 3D-model en DCAT-AP-catalogus.",
        "en": "This portal publishes the geodata of {publisher} under open licences: OGC "
              "APIs, vector tiles, a 3D model and a DCAT-AP catalogue."},
    "contact": {"fr": "Contact", "nl": "Contact", "en": "Contact"},
    "privacy": {"fr": "Vie privée : aucune adresse IP n'est conservée ; les e-mails envoyés "
                      "avec un message sont effacés après {days} jours.",
                "nl": "Privacy: er worden geen IP-adressen bewaard; e-mails bij een bericht "
                      "worden na {days} dagen gewist.",
                "en": "Privacy: no IP address is stored; e-mails sent with a message are "
                      "deleted after {days} days."},
    "feeds": {"fr": "Flux Atom des changements", "nl": "Atom-feed van de wijzigingen",
              "en": "Atom feed of changes"},
    "catalogue": {"fr": "Catalogue", "nl": "Catalogus", "en": "Catalogue"},
    "catalogue_intro": {"fr": "Tous les jeux de données, aussi en DCAT-AP :",
                        "nl": "Alle datasets, ook in DCAT-AP:",
                        "en": "Every dataset, also as DCAT-AP:"},
    "error_title": {"fr": "Erreur {status}", "nl": "Fout {status}", "en": "Error {status}"},
    "error_404": {"fr": "Cette page n'existe pas.", "nl": "Deze pagina bestaat niet.",
                  "en": "This page does not exist."},
    "error_other": {"fr": "La demande n'a pas abouti.", "nl": "Het verzoek is mislukt.",
                    "en": "The request failed."},
    "error_request_id": {"fr": "Référence à citer en nous écrivant : {id}",
                         "nl": "Vermeld deze referentie als u ons schrijft: {id}",
                         "en": "Reference to quote when you write to us: {id}"},
    "back_home": {"fr": "Retour à l'accueil", "nl": "Terug naar home", "en": "Back home"},
    "access_shared": {"fr": "accès restreint", "nl": "beperkte toegang",
                      "en": "restricted access"},
    "none": {"fr": "—", "nl": "—", "en": "—"},
    # citizens' reports (issue 21, item 4)
    "nav_reports": {"fr": "Signaler un problème", "nl": "Een probleem melden",
                    "en": "Report a problem"},
    "reports_intro": {
        "fr": "Un nid-de-poule, un éclairage en panne, un dépôt clandestin ? Cliquez sur la "
              "carte à l'endroit du problème (ou donnez sa longitude et sa latitude), "
              "choisissez une catégorie et décrivez-le.",
        "nl": "Een put in de weg, defecte verlichting, een sluikstort? Klik op de kaart op de "
              "plaats van het probleem (of geef lengte- en breedtegraad), kies een categorie "
              "en beschrijf het.",
        "en": "A pothole, a broken street light, illegal dumping? Click the map where the "
              "problem is (or give its longitude and latitude), choose a category and "
              "describe it."},
    "report_map_label": {"fr": "Carte : cliquez pour placer le signalement",
                         "nl": "Kaart: klik om de melding te plaatsen",
                         "en": "Map: click to place the report"},
    "report_map_noscript": {"fr": "Sans JavaScript, indiquez la longitude et la latitude "
                                  "ci-dessous.",
                            "nl": "Zonder JavaScript geeft u hieronder lengte- en "
                                  "breedtegraad op.",
                            "en": "Without JavaScript, give the longitude and latitude "
                                  "below."},
    "report_category": {"fr": "Catégorie", "nl": "Categorie", "en": "Category"},
    "report_description": {"fr": "Description (jamais publiée)",
                           "nl": "Beschrijving (nooit gepubliceerd)",
                           "en": "Description (never published)"},
    "report_lon": {"fr": "Longitude (degrés)", "nl": "Lengtegraad (graden)",
                   "en": "Longitude (degrees)"},
    "report_lat": {"fr": "Latitude (degrés)", "nl": "Breedtegraad (graden)",
                   "en": "Latitude (degrees)"},
    "report_parcel": {"fr": "Ou le numéro de parcelle (CaPaKey)",
                      "nl": "Of het perceelnummer (CaPaKey)",
                      "en": "Or the parcel number (CaPaKey)"},
    "report_photo": {"fr": "Photo (JPEG ou PNG, facultatif ; ses métadonnées sont effacées)",
                     "nl": "Foto (JPEG of PNG, optioneel; de metadata worden gewist)",
                     "en": "Photo (JPEG or PNG, optional; its metadata is removed)"},
    "report_photo_location": {"fr": "Utiliser la position enregistrée dans la photo",
                              "nl": "De in de foto opgeslagen positie gebruiken",
                              "en": "Use the position stored in the photo"},
    "report_email": {"fr": "E-mail (facultatif, pour être informé du suivi ; jamais publié)",
                     "nl": "E-mail (optioneel, om de opvolging te ontvangen; nooit "
                           "gepubliceerd)",
                     "en": "E-mail (optional, to hear how it goes; never published)"},
    "report_consent": {"fr": "J'accepte que mon adresse soit conservée pour m'informer de "
                             "l'état de ce signalement.",
                       "nl": "Ik ga akkoord dat mijn adres bewaard wordt om mij over de "
                             "status van deze melding te informeren.",
                       "en": "I agree that my address is kept to tell me about the status "
                             "of this report."},
    "report_send": {"fr": "Envoyer le signalement", "nl": "Melding versturen",
                    "en": "Send the report"},
    "report_follow": {"fr": "Suivre un signalement", "nl": "Een melding opvolgen",
                      "en": "Follow a report"},
    "report_number": {"fr": "Numéro du signalement", "nl": "Nummer van de melding",
                      "en": "Report number"},
    "report_show": {"fr": "Afficher", "nl": "Tonen", "en": "Show"},
    "report_title": {"fr": "Signalement n° {n}", "nl": "Melding nr. {n}", "en": "Report #{n}"},
    "report_thanks": {"fr": "Merci ! Notez ce numéro pour suivre votre signalement.",
                      "nl": "Bedankt! Noteer dit nummer om uw melding op te volgen.",
                      "en": "Thank you! Keep this number to follow your report."},
    "report_status": {"fr": "État", "nl": "Status", "en": "Status"},
    "report_created": {"fr": "Signalé le", "nl": "Gemeld op", "en": "Reported on"},
    "report_updated": {"fr": "Dernier changement", "nl": "Laatste wijziging",
                       "en": "Last change"},
    "report_place": {"fr": "Lieu (arrondi à {m} m)", "nl": "Plaats (afgerond op {m} m)",
                     "en": "Place (rounded to {m} m)"},
    "report_history": {"fr": "Historique", "nl": "Geschiedenis", "en": "History"},
    "report_public_layer": {"fr": "Tous les signalements (anonymisés) sont des données "
                                  "ouvertes :",
                            "nl": "Alle meldingen (geanonimiseerd) zijn open data:",
                            "en": "All reports (anonymised) are open data:"},
    "status_new": {"fr": "nouveau", "nl": "nieuw", "en": "new"},
    "status_acknowledged": {"fr": "pris en compte", "nl": "in behandeling genomen",
                            "en": "acknowledged"},
    "status_in_progress": {"fr": "en cours", "nl": "in uitvoering", "en": "in progress"},
    "status_solved": {"fr": "résolu", "nl": "opgelost", "en": "solved"},
    "status_rejected": {"fr": "rejeté", "nl": "afgewezen", "en": "rejected"},
    # tables and sensors (issue 21)
    "chart_preview": {"fr": "Aperçu graphique", "nl": "Grafiekvoorbeeld", "en": "Chart preview"},
    "chart_title": {"fr": "{column} des {n} premières lignes",
                    "nl": "{column} van de eerste {n} rijen",
                    "en": "{column} of the first {n} rows"},
    "chart_desc": {"fr": "Diagramme en barres de {column} par {label}, de {min} à {max}.",
                   "nl": "Staafdiagram van {column} per {label}, van {min} tot {max}.",
                   "en": "Bar chart of {column} by {label}, from {min} to {max}."},
    "row": {"fr": "ligne", "nl": "rij", "en": "row"},
    "rows": {"fr": "Lignes", "nl": "Rijen", "en": "Rows"},
    "table_api_note": {"fr": "Tableau sans géométrie : les objets ont « geometry »: null.",
                       "nl": "Tabel zonder geometrie: de objecten hebben \"geometry\": null.",
                       "en": "A table without geometries: features have \"geometry\": null."},
    "nav_sensors": {"fr": "Capteurs", "nl": "Sensoren", "en": "Sensors"},
    "sensors_title": {"fr": "Capteurs en direct", "nl": "Live sensoren", "en": "Live sensors"},
    "sensors_intro": {"fr": "Les dernières mesures des capteurs publiés, via l'API "
                            "SensorThings et la collection OGC « sensors ».",
                      "nl": "De laatste metingen van de gepubliceerde sensoren, via de "
                            "SensorThings-API en de OGC-collectie \"sensors\".",
                      "en": "The latest readings of the published sensors, through the "
                            "SensorThings API and the OGC collection \"sensors\"."},
    "no_sensors": {"fr": "Aucun capteur publié.", "nl": "Geen gepubliceerde sensoren.",
                   "en": "No published sensors."},
    "latest_value": {"fr": "Dernière valeur", "nl": "Laatste waarde", "en": "Latest value"},
    "measured_at": {"fr": "Mesurée le", "nl": "Gemeten op", "en": "Measured at"},
    "no_observation": {"fr": "Pas encore de mesure", "nl": "Nog geen meting",
                       "en": "No reading yet"},
    "series_title": {"fr": "{name} : {n} dernières mesures",
                     "nl": "{name}: laatste {n} metingen",
                     "en": "{name}: last {n} readings"},
    "series_desc": {"fr": "Courbe de {name} en {unit} du {first} au {last}, de {min} à {max}.",
                    "nl": "Lijn van {name} in {unit} van {first} tot {last}, van {min} tot "
                          "{max}.",
                    "en": "Line of {name} in {unit} from {first} to {last}, from {min} to "
                          "{max}."},
    "position": {"fr": "Position", "nl": "Positie", "en": "Position"},
    "datastream": {"fr": "Série", "nl": "Reeks", "en": "Datastream"},
    "unit": {"fr": "Unité", "nl": "Eenheid", "en": "Unit"},
}


def negotiate(requested: str | None, accept_language: str | None) -> Lang:
    """``?lang=`` first, then the best of ``Accept-Language``, then French."""
    if requested in LANGUAGES:
        return requested
    best: tuple[float, Lang] | None = None
    for part in (accept_language or "").split(","):
        tag, *params = [p.strip() for p in part.split(";")]
        code = tag.split("-")[0].lower()
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if code in LANGUAGES and quality > 0 and (best is None or quality > best[0]):
            best = (quality, code)
    return best[1] if best else "fr"


@dataclass(frozen=True)
class Translator:
    """The strings, dates and numbers of one language."""

    lang: Lang

    @property
    def locale(self) -> str:
        return LOCALES[self.lang]

    def __call__(self, key: str, **values: object) -> str:
        text = MESSAGES[key][self.lang]
        return text.format(**values) if values else text

    def number(self, value: float | int) -> str:
        return format_decimal(value, locale=self.locale)

    def date(self, value: date | datetime | None) -> str:
        if value is None:
            return self("none")
        day = value.date() if isinstance(value, datetime) else value
        return format_date(day, format="long", locale=self.locale)

    def datetime(self, value: datetime) -> str:
        return format_datetime(value, format="medium", locale=self.locale)

    def pick(self, texts: dict[str, str], order: tuple[str, ...]) -> tuple[str, str]:
        """(text, its language): this language's, else the first of ``order`` present."""
        for language in (self.lang, *order):
            if texts.get(language):
                return texts[language], language
        for language, text in texts.items():
            return text, language
        return "", self.lang
