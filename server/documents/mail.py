"""Delivering a message: SMTP when `SMTP_HOST` is set (STARTTLS when the server offers it),
else a `.eml` file in `MAIL_FOLDER` (instance/mail/) that admins list in the app."""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import SMTP as SMTP_POLICY
from email.policy import default as default_policy
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any

from flask import current_app

from server.attachments.storage import write_atomic
from server.database import utcnow
from server.documents.models import DocumentEmail

STORE_HEADER = "X-Assistec-Store"


def mail_folder() -> Path:
    folder = current_app.config.get("MAIL_FOLDER")
    return Path(folder) if folder else Path(current_app.instance_path) / "mail"


def build_message(email: DocumentEmail, pdf: bytes, filename: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = ", ".join(email.recipients)
    message["Subject"] = email.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = email.message_id  # the same on every attempt: receivers can drop a repeat
    message[STORE_HEADER] = str(email.store_id)
    message.set_content(email.message)
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    return message


def deliver(message: EmailMessage, name: str, before_data: Callable[[], None] = lambda: None) -> str:
    """Send (or write) the message; returns where it went.

    `before_data` runs at the last moment the message can still be held back: over SMTP once the
    server has accepted the sender and the recipients, just before the message's text. The job
    records "sending" there, so that only the final dot and its answer are left in doubt."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        path = mail_folder() / f"{name}.eml"
        before_data()
        write_atomic(path, bytes(message))
        return f"arquivo {path.name}"
    timeout = float(config["SMTP_TIMEOUT"])
    smtp = smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=timeout)
    try:
        smtp.ehlo()
        if config["SMTP_STARTTLS"] and smtp.has_extn("starttls"):
            context = ssl.create_default_context()
            if not config["SMTP_TLS_VERIFY"]:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            smtp.starttls(context=context)
            smtp.ehlo()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        _transmit(smtp, message, before_data)
    finally:
        # Once the message is accepted, a QUIT that goes wrong changes nothing (smtplib's `with`
        # would raise on an odd reply and make a sent message look failed).
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return f"SMTP {config['SMTP_HOST']}"


class UnconfirmedDelivery(Exception):
    """The whole message went to the server, but its answer did not come back in time: it may
    well have been accepted, so sending it again could deliver it twice."""


def _transmit(smtp: smtplib.SMTP, message: EmailMessage, before_data: Callable[[], None]) -> None:
    """smtplib's sendmail, with the one moment that matters told apart: a failure *after* the
    message's final dot was sent is `UnconfirmedDelivery`, not an error worth a retry."""
    sender = parseaddr(str(message["From"]))[1]
    recipients = [parseaddr(a.strip())[1] for a in str(message["To"]).split(",") if a.strip()]
    code, answer = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    refused = {}
    for recipient in recipients:
        code, answer = smtp.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, answer)
    if len(refused) == len(recipients):
        raise smtplib.SMTPRecipientsRefused(refused)
    before_data()
    smtp.putcmd("data")
    code, answer = smtp.getreply()
    if code != 354:
        raise smtplib.SMTPDataError(code, answer)
    payload = re.sub(rb"(?m)^\.", b"..", message.as_bytes(policy=SMTP_POLICY))
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    smtp.send(payload + b".\r\n")
    try:
        code, answer = smtp.getreply()
    except (OSError, smtplib.SMTPServerDisconnected) as error:
        raise UnconfirmedDelivery(f"{type(error).__name__}: {error}") from error
    if code != 250:
        raise smtplib.SMTPDataError(code, answer)


def outbox(store_ids: list[int]) -> list[dict[str, Any]]:
    """The .eml files written for the user's stores, newest first."""
    folder = mail_folder()
    if not folder.is_dir():
        return []
    # The whole message is parsed (not just its headers): the attachments' names are in the body.
    parser = BytesParser(policy=default_policy)
    stores = {str(s) for s in store_ids}
    entries: list[tuple[float, dict[str, Any]]] = []
    for path in folder.glob("*.eml"):
        with path.open("rb") as file:
            message = parser.parse(file)
        if message.get(STORE_HEADER) not in stores:
            continue
        entries.append(
            (
                path.stat().st_mtime,
                {
                    "name": path.name,
                    "to": [parseaddr(a.strip())[1] for a in str(message.get("To", "")).split(",") if a.strip()],
                    "subject": str(message.get("Subject", "")),
                    "date": str(message.get("Date", "")),
                    "size": path.stat().st_size,
                    "attachments": [part.get_filename() or "" for part in message.iter_attachments()],
                },
            )
        )
    entries.sort(key=lambda entry: entry[0], reverse=True)
    return [entry for _, entry in entries]
