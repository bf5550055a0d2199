"""What the fuzz step (tests/fuzz) found, each kept as a regular test."""

from __future__ import annotations

from typing import Any


def test_a_blank_layout_name_is_refused_not_a_conflict(as_admin: Any) -> None:
    """PATCH a layout's name with blanks: 422 on the field (it became a NOT NULL violation, 409)."""
    layout = as_admin.get("/api/layouts").json[0]
    response = as_admin.patch(f"/api/layouts/{layout['id']}", json={"name": "   "})
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert list(response.json["errors"]) == ["name"]
    renamed = as_admin.patch(f"/api/layouts/{layout['id']}", json={"css": "h1 { color: #333; }"})
    assert renamed.status_code == 200
    assert renamed.json["name"] == layout["name"]


def test_a_body_that_requires_nothing_is_documented_optional(as_admin: Any) -> None:
    """A check-in was answered 200 without a body that the document said was required: a body
    whose schema requires no field is optional in the document, and the server takes it so."""
    paths = as_admin.get("/api/openapi.json").json["paths"]
    assert paths["/api/appointments/{appointment_id}/check-in"]["post"]["requestBody"]["required"] is False
    assert paths["/api/layouts/{layout_id}"]["patch"]["requestBody"]["required"] is False
    assert paths["/api/layouts"]["post"]["requestBody"]["required"] is True
    layout = as_admin.get("/api/layouts").json[0]
    unchanged = as_admin.patch(f"/api/layouts/{layout['id']}")
    assert unchanged.status_code == 200, unchanged.json
    assert unchanged.json["name"] == layout["name"]
    assert as_admin.post("/api/layouts").status_code == 422
