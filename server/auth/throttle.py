"""Login limits, counted in the application's database so that every worker and host share them.

Two limits, both on failures only (a correct login never uses them up):

* per account (`LOGIN_LIMIT_PER_EMAIL`): failed attempts on one e-mail, from any address. It
  stops guessing one password, and refuses that account alone.
* per address (`LOGIN_LIMIT_PER_IP`): how many *different* accounts failed from one address. It
  stops trying one password on many accounts; one person mistyping their own password many times
  counts once here, so it never locks out the colleagues behind the same office NAT.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from limits import parse
from sqlalchemy import delete, distinct, func, select

from server.auth.models import LoginFailure
from server.database import utcnow
from server.errors import Problem
from server.extensions import db


def _limit(setting: str) -> tuple[int, timedelta]:
    item = parse(current_app.config[setting])
    return item.amount, timedelta(seconds=item.get_expiry())


def _refuse(oldest: datetime | None, window: timedelta, now: datetime) -> Problem:
    wait = (oldest + window - now).total_seconds() if oldest else window.total_seconds()
    problem = Problem(429, "Muitas tentativas de login. Aguarde um pouco e tente de novo.")
    problem.data["headers"] = {"Retry-After": str(max(1, math.ceil(wait)))}
    return problem


def check(account: str, address: str) -> None:
    """Raise 429 when the account or the address has used up its failures."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    now = utcnow()
    per_account, account_window = _limit("LOGIN_LIMIT_PER_EMAIL")
    count, oldest = db.session.execute(
        select(func.count(), func.min(LoginFailure.at)).where(
            LoginFailure.account == account, LoginFailure.at > now - account_window
        )
    ).one()
    if count >= per_account:
        raise _refuse(oldest, account_window, now)
    per_address, address_window = _limit("LOGIN_LIMIT_PER_IP")
    accounts, oldest = db.session.execute(
        select(func.count(distinct(LoginFailure.account)), func.min(LoginFailure.at)).where(
            LoginFailure.address == address,
            LoginFailure.at > now - address_window,
            LoginFailure.account != account,  # its own failures are the per-account limit's
        )
    ).one()
    if accounts >= per_address:
        raise _refuse(oldest, address_window, now)


def record_failure(account: str, address: str) -> None:
    """Count a failed attempt (committed at once: the 401 that follows rolls nothing back)."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    now = utcnow()
    longest = max(_limit("LOGIN_LIMIT_PER_EMAIL")[1], _limit("LOGIN_LIMIT_PER_IP")[1])
    db.session.execute(delete(LoginFailure).where(LoginFailure.at <= now - longest))
    db.session.add(LoginFailure(account=account[:254], address=address[:64], at=now))
    db.session.commit()
