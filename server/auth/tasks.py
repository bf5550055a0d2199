"""The "Esqueci minha senha" e-mail, through the same delivery as documents (SMTP, or a .eml file
in the mail folder). The token is made inside the job, so the queue never holds one."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app

from server.auth.models import User
from server.auth.passwords import reset_token
from server.database import utcnow
from server.documents import mail
from server.extensions import db
from server.jobs import huey, job_context


def enqueue_reset_email(user: User, base_url: str) -> None:
    config = current_app.config
    huey.enqueue(
        send_password_reset.s(
            user.id, base_url, retries=int(config["EMAIL_RETRIES"]), retry_delay=float(config["EMAIL_RETRY_DELAY"])
        )
    )


def reset_message(user: User, base_url: str) -> EmailMessage:
    link = f"{base_url.rstrip('/')}/redefinir-senha?token={reset_token(user)}"
    minutes = int(current_app.config["PASSWORD_RESET_MINUTES"])
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = user.email
    message["Subject"] = "Assistec: redefinição de senha"
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="assistec.local")
    message.set_content(
        f"Olá, {user.name}.\n\n"
        f"Para criar uma nova senha, abra o link abaixo (vale por {minutes} minutos e uma só vez):\n\n"
        f"{link}\n\n"
        "Se não foi você quem pediu, ignore este e-mail: sua senha continua a mesma.\n"
    )
    return message


@huey.task()
def send_password_reset(user_id: int, base_url: str) -> None:
    with job_context():
        user = db.session.get(User, user_id)
        if user is None or not user.active:
            return
        mail.deliver(reset_message(user, base_url), f"senha-{user.id}-{utcnow():%Y%m%d%H%M%S%f}")
