from typing import Any

from flask import current_app, request, url_for
from marshmallow import Schema, fields
from werkzeug.wrappers import Response

from server.auth.access import me, public, roles
from server.auth.models import Role
from server.calendar import service
from server.common.schemas import Id, Strict, When
from server.openapi import Blueprint

blp = Blueprint(
    "calendar", __name__, url_prefix="/api/calendar", description="Agenda do técnico como feed iCalendar (.ics)"
)

FEED_ENDPOINT = "calendar.get_feed"
# Only the subscriber may keep a copy: no shared cache (a proxy, a CDN) stores a feed.
FEED_CACHE_CONTROL = "private, max-age=300"
ICS = {"type": "string"}


class TokenArgs(Strict):
    user_id = Id(
        load_default=None,
        metadata={"description": "Admin only: a technician of one of the admin's stores (default: yourself)"},
    )


class CalendarTokenOut(Schema):
    url = fields.String(metadata={"description": "The feed's absolute URL, to subscribe to"})
    token = fields.String(metadata={"description": "The secret in the URL; it is shown only now"})
    created_at = When()


@blp.post("/token")
@roles(Role.TECHNICIAN, Role.ADMIN)
@blp.arguments(TokenArgs, location="query")
@blp.response(201, CalendarTokenOut)
def issue_token(args: dict[str, Any]) -> dict[str, Any]:
    """Create or rotate a calendar feed URL: any earlier URL of the same user answers 404 from now on.

    A technician gets their own; an admin may pass `user_id` for a technician of their stores.
    Only a hash of the token is stored, so a lost URL cannot be shown again: issue a new one.
    """
    user = service.token_owner(me(), args["user_id"])
    token, row = service.issue_token(user)
    url = url_for(FEED_ENDPOINT, token=token, _external=True)
    return {"url": url, "token": token, "created_at": row.created_at}


@blp.delete("/token")
@roles(Role.TECHNICIAN, Role.ADMIN)
@blp.arguments(TokenArgs, location="query")
@blp.response(204)
def revoke_token(args: dict[str, Any]) -> None:
    """Revoke the calendar feed URL (the subscription stops updating; its URL answers 404)."""
    service.revoke_token(service.token_owner(me(), args["user_id"]))


@blp.get("/<token>.ics")
@public
@blp.response(200, description="The technician's upcoming visits as iCalendar")
@blp.doc(
    security=[],
    responses={"200": {"description": "iCalendar (RFC 5545)", "content": {"text/calendar": {"schema": ICS}}}},
)
def get_feed(token: str) -> Response:
    """The technician's upcoming technical-assistance visits, for Google Calendar or Outlook to subscribe to.

    No session: the secret token in the path is the credential. Unknown, rotated or revoked
    tokens, and deactivated users, answer 404.
    """
    body = service.feed(token)
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="assistec.ics"'
    response.headers["Cache-Control"] = FEED_CACHE_CONTROL
    response.headers["X-Robots-Tag"] = "noindex"
    response.add_etag()
    return response.make_conditional(request)
