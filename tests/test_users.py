"""Users: who may create, list and edit them, validation, and store scoping."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from server.auth.models import Role, User
from server.extensions import db
from tests.conftest import PASSWORD, login, make_store, make_user

PROBLEM = "application/problem+json"


def _new_user(store_ids: list[int], **data: Any) -> dict[str, Any]:
    return {
        "name": "Bruno Montador",
        "email": "bruno@assistec.test",
        "password": "montador-forte-1",
        "role": "technician",
        "store_ids": store_ids,
        **data,
    }


def _user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def _stored(user_id: int) -> User:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user is not None
    return user


# --- create -------------------------------------------------------------------------------------


def test_admin_creates_a_user_in_their_store(app, as_admin, store):
    """201 with the new user, member of the admin's store, able to log in with their password."""
    response = as_admin.post(
        "/api/users", json=_new_user([store.id], phone="(11) 98765-4321", email="Bruno.Montador@Assistec.TEST")
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["name"] == "Bruno Montador"
    assert body["email"] == "bruno.montador@assistec.test"  # stored in lower case
    assert body["role"] == "technician"
    assert body["active"] is True
    assert body["phone"] == "11987654321"
    assert [s["id"] for s in body["stores"]] == [store.id]
    assert "password" not in body and "password_hash" not in body

    user = _stored(body["id"])
    assert user.email == "bruno.montador@assistec.test"
    assert user.password_hash != "montador-forte-1"
    assert user.check_password("montador-forte-1")

    credentials = {"email": "BRUNO.montador@assistec.test", "password": "montador-forte-1"}
    logged_in = app.test_client().post("/api/auth/login", json=credentials)
    assert logged_in.status_code == 200, logged_in.json
    assert logged_in.json["id"] == body["id"]


def test_duplicate_email_is_rejected_case_insensitively(as_admin, store, technician):
    """An e-mail already in use, in any case, → 422 on `email`; no second user is written."""
    before = _user_count()
    response = as_admin.post("/api/users", json=_new_user([store.id], email="TECNICO@Assistec.test"))
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert list(response.json["errors"]) == ["email"]
    assert response.json["errors"]["email"] == ["Já existe um usuário com este e-mail."]
    assert _user_count() == before


def test_duplicate_email_of_a_user_in_another_store_is_also_rejected(as_admin, store, outsider):
    """E-mails are the login, so they are unique across all stores."""
    response = as_admin.post("/api/users", json=_new_user([store.id], email=outsider.email.upper()))
    assert response.status_code == 422
    assert "email" in response.json["errors"]


def test_short_password_is_rejected(as_admin, store):
    """Passwords shorter than 8 characters → 422 on `password` with a pt-BR message."""
    before = _user_count()
    response = as_admin.post("/api/users", json=_new_user([store.id], password="1234567"))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["password"]
    assert "8" in response.json["errors"]["password"][0]
    assert _user_count() == before


def test_eight_character_password_is_accepted(as_admin, store):
    """The boundary: exactly 8 characters is enough, when they are not a common password."""
    response = as_admin.post("/api/users", json=_new_user([store.id], password="k7#mPq2z"))
    assert response.status_code == 201, response.json


def test_common_password_is_rejected(as_admin, store):
    """`12345678` has 8 characters but tops every leaked-password list → 422 on `password`."""
    response = as_admin.post("/api/users", json=_new_user([store.id], password="12345678"))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["password"]
    assert "comum" in response.json["errors"]["password"][0]


def test_invalid_role_is_rejected(as_admin, store):
    """Only admin, scheduler and technician exist."""
    response = as_admin.post("/api/users", json=_new_user([store.id], role="owner"))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["role"]
    assert response.json["errors"]["role"] == ["Perfil inválido."]


def test_invalid_fields_are_all_named(as_admin, store):
    """Bad e-mail, over-long name, unknown field and missing stores are reported together."""
    response = as_admin.post(
        "/api/users",
        json={
            "name": "x" * 121,
            "email": "sem-arroba",
            "password": "montador-forte-1",
            "role": "admin",
            "is_superuser": True,
        },
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"name", "email", "store_ids", "is_superuser"}


def test_empty_store_list_is_rejected(as_admin):
    """A user must belong to at least one store."""
    response = as_admin.post("/api/users", json=_new_user([]))
    assert response.status_code == 422
    assert "store_ids" in response.json["errors"]


def test_admin_cannot_grant_a_store_they_do_not_belong_to(as_admin, store, other_store):
    """Granting a foreign store → 422 on `store_ids`, and nothing is written."""
    before = _user_count()
    response = as_admin.post("/api/users", json=_new_user([store.id, other_store.id]))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["store_ids"]
    assert _user_count() == before
    assert db.session.scalar(select(User).where(User.email == "bruno@assistec.test")) is None


def test_admin_cannot_grant_a_nonexistent_store(as_admin, store):
    """An id that is no store at all is refused the same way."""
    response = as_admin.post("/api/users", json=_new_user([store.id, 999_999]))
    assert response.status_code == 422
    assert "store_ids" in response.json["errors"]


def test_scheduler_cannot_create_users(as_scheduler, store):
    """Only admins create users: 403 problem+json for a scheduler."""
    before = _user_count()
    response = as_scheduler.post("/api/users", json=_new_user([store.id]))
    assert response.status_code == 403
    assert response.mimetype == PROBLEM
    assert _user_count() == before


def test_technician_cannot_create_users(as_technician, store):
    response = as_technician.post("/api/users", json=_new_user([store.id]))
    assert response.status_code == 403


def test_anonymous_cannot_list_or_create_users(client, store):
    assert client.get("/api/users").status_code == 401
    assert client.post("/api/users", json=_new_user([store.id])).status_code == 401


# --- list and read --------------------------------------------------------------------------------


def test_scheduler_lists_technicians_of_their_store(
    as_scheduler, technician, other_technician, admin, outsider, other_store
):
    """Schedulers pick technicians from `?role=technician`: only technicians, only their stores."""
    foreign_technician = make_user(Role.TECHNICIAN, [other_store], "tec.outra@assistec.test")
    response = as_scheduler.get("/api/users?role=technician")
    assert response.status_code == 200
    ids = [u["id"] for u in response.json]
    assert sorted(ids) == sorted([technician.id, other_technician.id])
    assert foreign_technician.id not in ids
    assert all(u["role"] == "technician" for u in response.json)


def test_list_without_filter_shows_every_member_of_my_stores_only(as_admin, admin, scheduler, technician, outsider):
    """Users of other stores never appear in a list."""
    response = as_admin.get("/api/users")
    assert response.status_code == 200
    ids = {u["id"] for u in response.json}
    assert ids == {admin.id, scheduler.id, technician.id}
    assert outsider.id not in ids


def test_list_hides_inactive_users_unless_asked(as_admin, store, technician):
    """Deactivated users leave the pickers but stay reachable with include_inactive."""
    inactive = make_user(Role.TECHNICIAN, [store], "antigo@assistec.test", active=False)
    default = {u["id"] for u in as_admin.get("/api/users").json}
    assert inactive.id not in default
    assert technician.id in default
    everyone = {u["id"] for u in as_admin.get("/api/users?include_inactive=true").json}
    assert inactive.id in everyone


def test_list_filter_by_store(app, admin, store):
    """`store_id` narrows the list to one of the caller's stores."""
    second = make_store("Loja Zona Sul", cnpj=None)
    admin.stores.append(second)
    db.session.commit()
    only_second = make_user(Role.TECHNICIAN, [second], "sul@assistec.test")
    only_first = make_user(Role.TECHNICIAN, [store], "centro@assistec.test")
    client = login(app, admin)
    ids = {u["id"] for u in client.get(f"/api/users?store_id={second.id}").json}
    assert only_second.id in ids
    assert only_first.id not in ids


def test_list_rejects_an_invalid_role_filter(as_scheduler):
    response = as_scheduler.get("/api/users?role=gerente")
    assert response.status_code == 422
    assert "role" in response.json["errors"]


def test_technician_cannot_list_or_read_users(as_technician, scheduler):
    """Technicians do not browse the staff: 403."""
    assert as_technician.get("/api/users").status_code == 403
    assert as_technician.get("/api/users?role=technician").status_code == 403
    assert as_technician.get(f"/api/users/{scheduler.id}").status_code == 403


def test_scheduler_reads_a_user_of_their_store(as_scheduler, technician):
    response = as_scheduler.get(f"/api/users/{technician.id}")
    assert response.status_code == 200
    assert response.json["email"] == technician.email


def test_user_of_another_store_is_404(as_admin, as_scheduler, outsider):
    """Another store's user does not exist for me: 404, not 403."""
    for client in (as_admin, as_scheduler):
        response = client.get(f"/api/users/{outsider.id}")
        assert response.status_code == 404
        assert response.mimetype == PROBLEM


def test_admin_cannot_edit_a_user_of_another_store(as_admin, outsider):
    """PATCH on a foreign user → 404 and the user is unchanged."""
    response = as_admin.patch(f"/api/users/{outsider.id}", json={"name": "Sequestrado", "password": "outra-senha-9"})
    assert response.status_code == 404
    user = _stored(outsider.id)
    assert user.name == "Fora da Loja"
    assert user.check_password(PASSWORD)


def test_user_in_two_stores_is_visible_from_either(as_admin, as_outsider, store, other_store):
    """Sharing any store is enough to see a user."""
    both = make_user(Role.TECHNICIAN, [store, other_store], "dois@assistec.test")
    assert as_admin.get(f"/api/users/{both.id}").status_code == 200
    assert as_outsider.get(f"/api/users/{both.id}").status_code == 200
    assert both.id in {u["id"] for u in as_outsider.get("/api/users").json}


# --- update -------------------------------------------------------------------------------------


def test_admin_updates_a_user(as_admin, technician):
    """PATCH changes only the fields sent; the e-mail is lower-cased."""
    response = as_admin.patch(f"/api/users/{technician.id}", json={"role": "scheduler", "email": "Tiago@Assistec.test"})
    assert response.status_code == 200, response.json
    assert response.json["role"] == "scheduler"
    assert response.json["email"] == "tiago@assistec.test"
    assert response.json["name"] == "Tiago Técnico"
    user = _stored(technician.id)
    assert user.role == "scheduler"
    assert user.email == "tiago@assistec.test"


def test_patch_to_an_email_in_use_is_rejected(as_admin, technician, scheduler):
    response = as_admin.patch(f"/api/users/{technician.id}", json={"email": scheduler.email.upper()})
    assert response.status_code == 422
    assert "email" in response.json["errors"]
    assert _stored(technician.id).email == "tecnico@assistec.test"


def test_patch_keeping_the_own_email_in_another_case_is_allowed(as_admin, technician):
    """A user's own address is not a duplicate of itself."""
    response = as_admin.patch(f"/api/users/{technician.id}", json={"email": "TECNICO@assistec.test"})
    assert response.status_code == 200, response.json
    assert response.json["email"] == "tecnico@assistec.test"


def test_patch_validates_like_create(as_admin, technician):
    """Short password, invalid role and unknown fields are refused on PATCH too."""
    response = as_admin.patch(f"/api/users/{technician.id}", json={"password": "curta", "role": "chefe", "x": 1})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"password", "role", "x"}
    user = _stored(technician.id)
    assert user.role == "technician"
    assert user.check_password(PASSWORD)


def test_scheduler_and_technician_cannot_patch_users(as_scheduler, as_technician, technician):
    """Only admins edit users; a technician cannot promote themselves."""
    assert as_scheduler.patch(f"/api/users/{technician.id}", json={"name": "X"}).status_code == 403
    assert as_technician.patch(f"/api/users/{technician.id}", json={"role": "admin"}).status_code == 403
    assert _stored(technician.id).role == "technician"


def test_patch_store_ids_keeps_memberships_the_admin_cannot_see(app, store, other_store):
    """An admin of stores A and C who sets store_ids=[C] removes A but keeps the user's store B."""
    store_c = make_store("Loja Zona Norte", cnpj=None)
    admin = make_user(Role.ADMIN, [store, store_c], "admin.ac@assistec.test")
    user = make_user(Role.TECHNICIAN, [store, other_store], "tec.ab@assistec.test")
    client = login(app, admin)
    response = client.patch(f"/api/users/{user.id}", json={"store_ids": [store_c.id]})
    assert response.status_code == 200, response.json
    assert sorted(_stored(user.id).store_ids) == sorted([other_store.id, store_c.id])
    assert [s["id"] for s in response.json["stores"]] == [store_c.id]


def test_a_shared_user_shows_only_the_stores_the_caller_shares(app, as_scheduler, store, other_store):
    """A technician who also works for another store: the scheduler sees only their own store in
    the user's `stores`, on the list and on the user; the technician sees both on /me."""
    user = make_user(Role.TECHNICIAN, [store, other_store], "tec.shared@assistec.test")
    listed = next(u for u in as_scheduler.get("/api/users").json if u["id"] == user.id)
    assert [s["id"] for s in listed["stores"]] == [store.id]
    assert [s["id"] for s in as_scheduler.get(f"/api/users/{user.id}").json["stores"]] == [store.id]
    own = login(app, user).get("/api/auth/me").json
    assert sorted(s["id"] for s in own["stores"]) == sorted([store.id, other_store.id])


def test_patch_store_ids_with_a_foreign_store_is_rejected(as_admin, technician, store, other_store):
    """Granting a store the admin is not in → 422, memberships unchanged."""
    response = as_admin.patch(f"/api/users/{technician.id}", json={"store_ids": [other_store.id]})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["store_ids"]
    assert _stored(technician.id).store_ids == [store.id]


def test_admin_cannot_take_over_a_user_shared_with_another_store(app, as_admin, store, other_store):
    """Password, e-mail, role and active of a user who also works for another store → 403.

    Otherwise an admin of store A could reset the password of a technician shared with store B,
    log in as them and read store B's records.
    """
    shared = make_user(Role.TECHNICIAN, [store, other_store], "compartilhado@assistec.test")
    for change in (
        {"password": "tomada-de-conta-1"},
        {"email": "meu@assistec.test"},
        {"role": "admin"},
        {"active": False},
    ):
        response = as_admin.patch(f"/api/users/{shared.id}", json=change)
        assert response.status_code == 403, change
        assert response.mimetype == PROBLEM
    user = _stored(shared.id)
    assert user.check_password(PASSWORD)
    assert (user.email, user.role, user.active) == ("compartilhado@assistec.test", "technician", True)
    attempt = app.test_client().post("/api/auth/login", json={"email": shared.email, "password": "tomada-de-conta-1"})
    assert attempt.status_code == 401


def test_admin_of_every_store_of_a_shared_user_may_change_their_account(app, store, other_store):
    """An admin who belongs to all of the user's stores keeps full control."""
    group_admin = make_user(Role.ADMIN, [store, other_store], "grupo@assistec.test")
    shared = make_user(Role.TECHNICIAN, [store, other_store], "compartilhado@assistec.test")
    response = login(app, group_admin).patch(f"/api/users/{shared.id}", json={"password": "nova-senha-456"})
    assert response.status_code == 200, response.json
    assert _stored(shared.id).check_password("nova-senha-456")


def test_admin_may_still_rename_a_shared_user(as_admin, store, other_store):
    """Name and phone do not grant access anywhere, so any admin of theirs may fix them."""
    shared = make_user(Role.TECHNICIAN, [store, other_store], "compartilhado@assistec.test")
    response = as_admin.patch(f"/api/users/{shared.id}", json={"name": "Carlos Montador", "phone": "11987654321"})
    assert response.status_code == 200, response.json
    assert _stored(shared.id).name == "Carlos Montador"


def test_admin_removes_a_shared_user_from_their_store(as_admin, store, other_store):
    """store_ids=[] drops a shared user from my stores; they keep the other store and vanish from my lists."""
    shared = make_user(Role.TECHNICIAN, [store, other_store], "compartilhado@assistec.test")
    response = as_admin.patch(f"/api/users/{shared.id}", json={"store_ids": []})
    assert response.status_code == 200, response.json
    assert _stored(shared.id).store_ids == [other_store.id]
    assert as_admin.get(f"/api/users/{shared.id}").status_code == 404
    assert shared.id not in {u["id"] for u in as_admin.get("/api/users?include_inactive=true").json}


def test_user_cannot_be_left_without_any_store(as_admin, technician, store):
    """Removing a user's last store → 422 (deactivate them instead)."""
    response = as_admin.patch(f"/api/users/{technician.id}", json={"store_ids": []})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["store_ids"]
    assert _stored(technician.id).store_ids == [store.id]


def test_an_admin_cannot_deactivate_or_demote_themselves(app, as_admin, admin, store):
    """The store's last admin would lock everyone out; another admin may do it (found by the fuzz
    step: the admin's own PATCH ended its session)."""
    url = f"/api/users/{admin.id}"
    refused = as_admin.patch(url, json={"active": False})
    assert refused.status_code == 422, refused.json
    assert refused.json["errors"] == {"active": ["Você não pode desativar a sua própria conta."]}
    demoted = as_admin.patch(url, json={"role": "scheduler"})
    assert demoted.status_code == 422, demoted.json
    assert demoted.json["errors"] == {"role": ["Você não pode mudar o seu próprio perfil."]}
    assert as_admin.get("/api/auth/me").status_code == 200  # still signed in, still admin
    assert as_admin.patch(url, json={"name": "Ana Administradora", "role": "admin", "active": True}).status_code == 200
    as_other = login(app, make_user(Role.ADMIN, [store]))
    assert as_other.patch(url, json={"active": False}).status_code == 200
