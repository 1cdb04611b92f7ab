"""Why a report was refused, said to a person: the reason in the visitor's language and the
form field it concerns.

The API's refusals are English sentences (``category: ...``, ``photo: at most ...``) that
API clients read as they are; the error also carries the field it concerns (``field``).
A browser that sent the portal's form without JavaScript
gets the form back (`twin.reports.pages.refused_page`) with one of these translated reasons,
the field marked, and the English detail beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from twin.portal.i18n import Lang

M = dict[Lang, str]
#: the reasons, by the field a refusal names (``size``: the request was too large,
#: ``rate``: too many reports from this client, ``other``: anything else)
REASONS: Final[dict[str, M]] = {
    "category": {"fr": "Choisissez une des catégories proposées.",
                 "nl": "Kies een van de voorgestelde categorieën.",
                 "en": "Choose one of the categories offered."},
    "description": {"fr": "Décrivez le problème (le texte est requis et sa longueur limitée).",
                    "nl": "Beschrijf het probleem (de tekst is verplicht en beperkt in lengte).",
                    "en": "Describe the problem (the text is required and its length "
                          "limited)."},
    "location": {"fr": "Indiquez l'endroit : cliquez sur la carte, donnez la longitude et la "
                       "latitude (en degrés) ou une parcelle.",
                 "nl": "Geef de plaats op: klik op de kaart, geef lengte- en breedtegraad "
                       "(in graden) of een perceel.",
                 "en": "Give the place: click the map, give the longitude and latitude (in "
                       "degrees) or a parcel."},
    "area": {"fr": "Cet endroit est en dehors du territoire de la commune : un signalement "
                   "doit s'y trouver.",
             "nl": "Deze plaats ligt buiten het grondgebied van de gemeente: een melding moet "
                   "erbinnen liggen.",
             "en": "This place is outside the commune's territory: a report must be on it."},
    "parcel": {"fr": "Cette parcelle est introuvable ; vérifiez-la ou placez le problème "
                     "par ses coordonnées.",
               "nl": "Dit perceel is niet gevonden; controleer het of geef de coördinaten op.",
               "en": "This parcel was not found; check it or give the coordinates."},
    "photo": {"fr": "La photo est refusée : une image JPEG ou PNG lisible, pas trop grande.",
              "nl": "De foto is geweigerd: een leesbare JPEG- of PNG-afbeelding, niet te groot.",
              "en": "The photo was refused: a readable JPEG or PNG image, not too large."},
    "email": {"fr": "L'adresse e-mail n'est pas valable, ou n'est conservée qu'avec votre "
                    "accord (case à cocher).",
              "nl": "Het e-mailadres is ongeldig, of wordt alleen met uw toestemming bewaard "
                    "(vakje aanvinken).",
              "en": "The e-mail address is not valid, or is kept only with your consent "
                    "(tick the box)."},
    "size": {"fr": "L'envoi est trop volumineux : choisissez une photo plus petite.",
             "nl": "De inzending is te groot: kies een kleinere foto.",
             "en": "What was sent is too large: choose a smaller photo."},
    "rate": {"fr": "Trop de signalements envoyés depuis cet appareil : réessayez plus tard.",
             "nl": "Te veel meldingen vanaf dit toestel: probeer het later opnieuw.",
             "en": "Too many reports from this device: try again later."},
    "other": {"fr": "Le signalement n'a pas pu être accepté.",
              "nl": "De melding kon niet worden aanvaard.",
              "en": "The report could not be accepted."},
}
TITLE: Final[M] = {"fr": "Votre signalement n'a pas été envoyé",
                   "nl": "Uw melding is niet verzonden",
                   "en": "Your report was not sent"}
PHOTO_AGAIN: Final[M] = {"fr": "Pour joindre une photo, choisissez-la à nouveau.",
                         "nl": "Kies de foto opnieuw om ze toe te voegen.",
                         "en": "To attach a photo, choose it again."}
#: the form's input each field's refusal points at
INPUTS: Final[dict[str, str]] = {"category": "rp-category", "description": "rp-description",
                                 "location": "rp-lon", "area": "rp-lon", "parcel": "rp-parcel",
                                 "photo": "rp-photo", "email": "rp-email", "size": "rp-photo"}



@dataclass(frozen=True)
class Refusal:
    """A refusal as the form shows it."""

    reason: str  # a key of REASONS
    detail: str  # the API's English message
    status: int

    def text(self, lang: Lang) -> str:
        return REASONS[self.reason][lang]

    @property
    def input_id(self) -> str | None:
        return INPUTS.get(self.reason)


_FIELD_ALIASES: Final[dict[str, str]] = {"lon": "location", "lat": "location",
                                         "lon, lat": "location", "consent": "email"}


def reason_of(field: str | None, status: int, message: str = "") -> str:
    """The key of REASONS for a refusal concerning ``field``, as set where the error was
    raised (`gis.errors.ReportError.field`, `twin.errors.SubmissionRefused.field`), so a
    message that does not start with its field (a layer's missing search field) still marks
    the right input. Only an error raised without one falls back to the message's prefix."""
    if status == 429:
        return "rate"
    if field is None:
        return _reason_from_message(message)
    return field if field in REASONS else "other"


def _reason_from_message(message: str) -> str:
    """The field an English refusal starts with (``category: ...``): errors without
    ``field``, such as those of older callers."""
    field = message.split(":", 1)[0].strip() if ":" in message else ""
    field = _FIELD_ALIASES.get(field, field)
    if field == "location" and "outside" in message:
        return "area"
    if field in REASONS:
        return field
    return "size" if message.startswith("at most") else "other"


def refusal(message: str, status: int, field: str | None = None) -> Refusal:
    return Refusal(reason_of(field, status, message), message, status)
