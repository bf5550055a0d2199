"""Push notifications on the phone (issue 8, item 3).

No browser push service can be reached here, so the chain is closed by hand at its one gap: the
app subscribes through a stand-in `PushManager.subscribe` that returns a subscription with the
test's keys and an endpoint on a local HTTP server (notifications.PushService); the real server
encrypts and POSTs its notification there; the test decrypts it (http_ece) and delivers that
payload to the service worker through DevTools (`ServiceWorker.deliverPushMessage`), where the
real `push` handler runs. A tap is a `notificationclick` dispatched in the worker. See
notifications.py for why each piece is done that way.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, Response, expect

from .harness import Backend, Office, Phone, store_today
from .network import Network
from .notifications import (
    DeviceKeys,
    PushService,
    deliver_push,
    fake_push_manager,
    rotate_subscription,
    shown_notifications,
    tap_notification,
)
from .technician import check_screen, log_in

pytestmark = pytest.mark.e2e

PULL = "POST /api/sync/pull"


def subscriptions(method: str) -> Callable[[Response], bool]:
    """Matches the phone's answer from /api/push/subscriptions to `method`."""
    return lambda r: r.url.endswith("/api/push/subscriptions") and r.request.method == method


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()
    yield service
    service.stop()


def book_visit(office: Office) -> dict[str, Any]:
    """The office books the demo technician a new visit today, on the case of one of theirs."""
    demo = office.visits_today()[0]
    today = store_today()
    visit: dict[str, Any] = office.post(
        f"/api/cases/{demo['case_id']}/appointments",
        {
            "appointment_type_id": demo["appointment_type"]["id"],
            "assignee_id": demo["assignee"]["id"],
            "starts_at": f"{today}T07:00:00",
            "ends_at": f"{today}T08:00:00",
            "subject": "Visita avisada por notificação",
            "allow_overlap": True,
        },
    )
    return visit


def notifications_card(page: Page) -> Any:
    card = page.get_by_test_id("notifications")
    card.scroll_into_view_if_needed()
    return card


def test_a_pushed_visit_notifies_syncs_the_agenda_without_a_reload_and_a_tap_opens_it(
    backend: Backend, office: Office, phone: Phone, network: Network, push_service: PushService
) -> None:
    keys = DeviceKeys(f"{push_service.url}/push/{uuid.uuid4()}")
    page = phone.launch()
    page.context.add_init_script(script=fake_push_manager(keys))
    log_in(page)
    assert page.evaluate("() => navigator.serviceWorker.controller?.scriptURL").endswith("/sw.js")

    # Only a tap asks for permission; then the subscription reaches the server.
    card = notifications_card(page)
    expect(card).to_contain_text("Receba um aviso quando o escritório marcar")
    page.context.grant_permissions(["notifications"], origin=backend.url)
    with page.expect_response(subscriptions("POST")) as posted:
        card.get_by_role("button", name="Ativar notificações").click()
    assert posted.value.status == 201
    expect(card).to_contain_text("Notificações ativadas neste aparelho.")
    expect(card.get_by_role("button")).to_have_count(0)

    # The office books a visit: the server pushes it to this phone's endpoint.
    page.evaluate("() => { window.sameDocument = true }")
    visit = book_visit(office)
    item = page.locator(f'a[href="/visita/{visit["id"]}"]')
    expect(item).to_have_count(0)
    [sent] = push_service.wait_for(page, 1)
    assert sent.path == keys.endpoint.removeprefix(push_service.url)
    payload = keys.decrypt(sent)
    assert payload["title"].startswith("Nova visita: ")
    assert payload["url"] == f"/visita/{visit['id']}"
    assert payload["appointment_id"] == visit["id"]

    pulls = network.count(PULL)
    deliver_push(page, payload)
    expect(item).to_be_visible()  # the push made the open app sync: no reload, no tap on ↻
    assert network.count(PULL) > pulls
    assert page.evaluate("() => window.sameDocument") is True
    [shown] = shown_notifications(page)
    assert (shown["title"], shown["body"], shown["tag"]) == (payload["title"], payload["body"], payload["topic"])
    assert shown["data"]["url"] == f"/visita/{visit['id']}"
    assert shown["icon"].endswith("/icons/icon-192.png")

    # Moved by the office before it was read: the newer notice replaces the older one.
    day = store_today()
    office.move_visit(visit, starts_at=f"{day}T18:15:00", ends_at=f"{day}T19:00:00")
    second = keys.decrypt(push_service.wait_for(page, 2)[1])
    assert second["topic"] == payload["topic"]
    deliver_push(page, second)
    expect(item).to_contain_text("18:15–19:00")
    for _ in range(50):
        if [n["title"] for n in shown_notifications(page)] == [second["title"]]:
            break
        page.wait_for_timeout(100)
    assert [n["title"] for n in shown_notifications(page)] == [second["title"]]

    # A tap opens the visit in the open window (the app's router: still no reload).
    tap_notification(page)
    expect(page).to_have_url(re.compile(rf"/visita/{visit['id']}$"))
    expect(page.get_by_text("Visita avisada por notificação")).to_be_visible()
    assert shown_notifications(page) == []
    assert page.evaluate("() => window.sameDocument") is True
    delivered = office.get(f"/api/appointments/{visit['id']}/notifications")
    assert len(delivered) == 2

    # "Sair" deletes the subscription: the next change reaches no endpoint.
    page.get_by_role("link", name="Agenda", exact=True).click()
    with page.expect_response(subscriptions("DELETE")) as deleted:
        page.get_by_role("button", name="Sair").click()
    assert deleted.value.status == 204
    expect(page.get_by_role("button", name="Entrar")).to_be_visible()
    office.post(f"/api/appointments/{visit['id']}/cancel", {"reason": "Cliente desmarcou"})
    assert push_service.count() == 2

    # Logging in again with the permission already given subscribes again, without a tap.
    with page.expect_response(subscriptions("POST")) as again:
        log_in(page)
    assert again.value.status == 201
    expect(notifications_card(page)).to_contain_text("Notificações ativadas neste aparelho.")


def test_notifications_the_browser_cannot_subscribe_are_explained_in_pt_br(backend: Backend, phone: Phone) -> None:
    """The real PushManager here: with no push service reachable, subscribe() never settles."""
    page = phone.launch()
    log_in(page)
    card = notifications_card(page)
    expect(card).to_contain_text("Receba um aviso")
    check_screen(page, "agenda-notificacoes")

    # Refused at the prompt (headless Chromium refuses every prompt): how to allow it again.
    card.get_by_role("button", name="Ativar notificações").click()
    expect(card).to_contain_text("estão bloqueadas neste aparelho. Para reativar")

    page.context.grant_permissions(["notifications"], origin=backend.url)
    card.get_by_role("button", name="Ativar notificações").click()
    expect(card.get_by_role("button", name="Ativando…")).to_be_disabled()
    slow = re.compile("O serviço de notificações do navegador não respondeu")
    expect(card.get_by_role("alert")).to_have_text(slow, timeout=20_000)
    expect(card.get_by_role("button", name="Ativar notificações")).to_be_enabled()


def test_a_subscription_the_browser_replaces_is_sent_again_by_the_service_worker(
    backend: Backend, office: Office, phone: Phone, push_service: PushService
) -> None:
    """The worker has no CSRF token of its own: it reads the session's from /api/auth/me."""
    old = DeviceKeys(f"{push_service.url}/push/old-{uuid.uuid4()}")
    page = phone.launch()
    page.context.add_init_script(script=fake_push_manager(old))
    page.context.grant_permissions(["notifications"], origin=backend.url)
    log_in(page)
    expect(notifications_card(page)).to_contain_text("Notificações ativadas neste aparelho.")

    new = DeviceKeys(f"{push_service.url}/push/new-{uuid.uuid4()}", key=old.key, auth=old.auth)
    rotate_subscription(page, new, old.endpoint)
    visit = book_visit(office)
    [sent] = push_service.wait_for(page, 1)
    assert sent.path == new.endpoint.removeprefix(push_service.url)  # and nothing to the old one
    assert new.decrypt(sent)["url"] == f"/visita/{visit['id']}"
