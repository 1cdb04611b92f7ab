"""E-mail notices to a layer's contact point (a failed refresh from its source).

The producer named as the layer's contact point is who can fix a broken source (a moved
file, an expired credential), and a cron job's output is read by no one: so a failed
``twin refresh`` writes to them. Mail goes through the deployment's SMTP server
(``TWIN_SMTP_HOST``, ``TWIN_SMTP_PORT``, ``TWIN_SMTP_FROM``); without one the notice is only
logged. A mail server that refuses or is down is logged too: the failure is already
recorded in the registry, and a notice must never turn it into a crash.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from gis.model import LayerSpec
from gis.refresh import RefreshOutcome
from twin.settings import Settings

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 30.0


def refresh_failure_message(settings: Settings, spec: LayerSpec,
                            outcome: RefreshOutcome) -> EmailMessage:
    """The notice: which layer, which source, why, and that the data served is unchanged."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = spec.contact_point.email
    message["Subject"] = f"[twin] refresh of layer {spec.id} failed"
    version = f"version {outcome.version}" if outcome.version else "no version yet"
    message.set_content(
        f"Hello {spec.contact_point.name},\n\n"
        f"The scheduled refresh of layer {spec.id} ({spec.label()}) from\n"
        f"  {outcome.source_url}\nfailed:\n  {outcome.error}\n\n"
        f"The layer keeps serving its previous data ({version}) and is marked late until a "
        f"refresh succeeds.\n\n-- {settings.publisher_name} digital twin ({settings.base_url})\n")
    return message


def notify_refresh_failure(settings: Settings, spec: LayerSpec, outcome: RefreshOutcome) -> bool:
    """Send the notice when a mail server is configured; True when it was handed over."""
    if not settings.smtp_host:
        log.warning("refresh of %s failed (%s); no TWIN_SMTP_HOST, %s not notified",
                    spec.id, outcome.error, spec.contact_point.email)
        return False
    message = refresh_failure_message(settings, spec, outcome)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                          timeout=SMTP_TIMEOUT) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("refresh of %s failed; the notice to %s was not sent: %s", spec.id,
                    spec.contact_point.email, exc)
        return False
    return True
