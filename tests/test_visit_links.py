"""What ties an occurrence and its photos and signature to the visit they came from."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from flask import Flask

from server.appointments.models import Appointment
from server.database import utcnow
from server.extensions import db
from tests.conftest import login
from tests.test_attachments import jpeg, put
from tests.test_occurrences import body


def visit(case: Any, technician: Any) -> Appointment:
    starts = utcnow() + timedelta(hours=1)
    appointment = Appointment(
        store_id=case.store_id,
        case_id=case.id,
        assignee_id=technician.id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        subject="Troca de porta",
    )
    db.session.add(appointment)
    db.session.commit()
    return appointment


def signature_png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGBA", (300, 120), (0, 0, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_technician_sees_and_files_on_the_case_of_their_visit(
    app: Flask, scheduler: Any, customer: Any, other_technician: Any
) -> None:
    """No case assignment needed: the visit puts the case in the technician's scope."""
    from tests.conftest import make_case

    case = make_case(scheduler, customer)  # assigned to nobody
    client = login(app, other_technician)
    assert client.get(f"/api/cases/{case.id}").status_code == 404
    appointment = visit(case, other_technician)
    assert client.get(f"/api/cases/{case.id}").status_code == 200
    response = client.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id, appointment_id=appointment.id))
    assert response.status_code == 201, response.json
    assert response.json["appointment_id"] == appointment.id


def test_the_visit_must_be_the_cases_and_the_technicians(
    app: Flask, case: Any, technician: Any, other_technician: Any, scheduler: Any, customer: Any
) -> None:
    from tests.conftest import make_case

    others_visit = visit(case, other_technician)
    client = login(app, technician)
    response = client.post(
        f"/api/cases/{case.id}/occurrences", json=body(case.store_id, appointment_id=others_visit.id)
    )
    assert response.status_code == 422 and "appointment_id" in response.json["errors"]
    elsewhere = visit(make_case(scheduler, customer), technician)
    response = client.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id, appointment_id=elsewhere.id))
    assert response.status_code == 422 and "appointment_id" in response.json["errors"]


def test_photos_uploaded_first_are_linked_by_the_occurrence(as_technician: Any, case: Any) -> None:
    photos = [uuid.uuid4(), uuid.uuid4()]
    for index, photo_id in enumerate(photos):
        assert put(as_technician, jpeg(color=["red", "blue"][index]), photo_id).status_code == 200
    response = as_technician.post(
        f"/api/cases/{case.id}/occurrences", json=body(case.store_id, attachment_ids=[str(p) for p in photos])
    )
    assert response.status_code == 201, response.json
    assert [a["id"] for a in response.json["attachments"]] == [str(p) for p in photos]
    assert all(a["kind"] == "photo" for a in response.json["attachments"])


def test_an_unknown_photo_rejects_the_occurrence_whole(as_technician: Any, case: Any) -> None:
    response = as_technician.post(
        f"/api/cases/{case.id}/occurrences", json=body(case.store_id, attachment_ids=[str(uuid.uuid4())])
    )
    assert response.status_code == 422
    assert "attachment_ids.0" in response.json["errors"]
    assert as_technician.get(f"/api/cases/{case.id}/occurrences").json == []


def test_the_customers_signature_closes_the_visit(
    app: Flask, case: Any, technician: Any, scheduler: Any, other_technician: Any
) -> None:
    appointment = visit(case, technician)
    client = login(app, technician)
    signature_id = uuid.uuid4()
    data = signature_png()
    assert put(client, data, signature_id, kind="signature").status_code == 200
    response = client.post(
        f"/api/attachments/{signature_id}/link",
        json={"appointment_id": appointment.id, "signer_name": "Maria da Silva"},
    )
    assert response.status_code == 200, response.json
    assert response.json["appointment_id"] == appointment.id and response.json["signer_name"] == "Maria da Silva"
    assert login(app, scheduler).get(f"/api/attachments/{signature_id}").status_code == 200
    assert login(app, other_technician).get(f"/api/attachments/{signature_id}").status_code == 404


def test_a_signature_link_needs_the_signer_and_a_signature(as_technician: Any, case: Any, technician: Any) -> None:
    appointment = visit(case, technician)
    photo_id = uuid.uuid4()
    assert put(as_technician, jpeg(), photo_id).status_code == 200
    no_name = as_technician.post(f"/api/attachments/{photo_id}/link", json={"appointment_id": appointment.id})
    assert no_name.status_code == 422 and "signer_name" in no_name.json["errors"]
    photo = as_technician.post(
        f"/api/attachments/{photo_id}/link", json={"appointment_id": appointment.id, "signer_name": "Maria"}
    )
    assert photo.status_code == 422 and "attachment_id" in photo.json["errors"]
    neither = as_technician.post(f"/api/attachments/{photo_id}/link", json={})
    assert neither.status_code == 422
