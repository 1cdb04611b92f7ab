"""E-mail to a layer's contact point for each new feedback or reuse.

Through the deployment's SMTP server like refresh notices (`twin.notify`); without one the
item is only logged, and a refusing server never loses the item, which is already stored.
The sender's address is given as Reply-To only when they consented to its use.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from gis.model import LayerSpec
from twin.notify import SMTP_TIMEOUT
from twin.settings import Settings

log = logging.getLogger(__name__)


def new_item_message(settings: Settings, spec: LayerSpec, subject: str, item_id: int,
                     summary: str, reply_to: str | None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = spec.contact_point.email
    message["Subject"] = f"[portal] new {subject} #{item_id} on {spec.id}"
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(
        f"Hello {spec.contact_point.name},\n\n"
        f"A visitor of the portal sent a new {subject} (#{item_id}) about layer {spec.id} "
        f"({spec.label()}):\n\n{summary}\n\n"
        f"Answer, publish or hide it with `twin feedback answer|hide` or the API "
        f"({settings.base_url}/api/datasets/{spec.id}/feedback with a producer key). "
        f"Nothing is shown on the portal until you publish it.\n\n"
        f"-- {settings.publisher_name} open-data portal ({settings.base_url}/portal/)\n")
    return message


def notify_new_item(settings: Settings, spec: LayerSpec, subject: str, item_id: int,
                    summary: str, reply_to: str | None) -> bool:
    """Send the notice when a mail server is configured; True when it was handed over."""
    if not settings.smtp_host:
        log.info("new %s #%d on %s; no TWIN_SMTP_HOST, %s not notified", subject, item_id,
                 spec.id, spec.contact_point.email)
        return False
    message = new_item_message(settings, spec, subject, item_id, summary, reply_to)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("new %s #%d on %s: the notice to %s was not sent: %s", subject, item_id,
                    spec.id, spec.contact_point.email, exc)
        return False
    return True
