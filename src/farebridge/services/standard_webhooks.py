"""The native API's webhooks (``/api/webhooks``): subscriptions of the ``standard``
scheme, their delivery log, ping and redelivery (ADR 0018).

The same subscriptions table and dispatcher as the Duffel dialect's webhooks
(``services.webhooks``); a webhook of one scheme is invisible to the other's API.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from farebridge.domain.account import User
from farebridge.domain.errors import InvalidState, NotFound, ValidationFailed
from farebridge.domain.ids import new_id
from farebridge.domain.webhook_deliveries import Delivery, secret_from
from farebridge.domain.webhooks import PING, STANDARD_EVENT_TYPES, Webhook, WebhookScheme
from farebridge.services import webhook_delivery, webhooks
from farebridge.services.jobs import JobKind, run_job_now
from farebridge.services.ports import Dependencies, Page, PageRequest, UnitOfWork

MAX_WEBHOOKS = 20
MAX_URL_LENGTH = 2000
MAX_DESCRIPTION_LENGTH = 500
LOCAL_HOSTS = frozenset({"localhost"})


def check_url(url: str, *, allow_http_localhost: bool) -> str:
    """An absolute https URL without credentials; http only on this machine, and only
    when the operator allows it (``FAREBRIDGE_WEBHOOK_ALLOW_HTTP_LOCALHOST``)."""
    if len(url) > MAX_URL_LENGTH:
        raise ValidationFailed(
            f"The URL is longer than {MAX_URL_LENGTH} characters.", field="url", code="invalid_url"
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise ValidationFailed("Not a valid URL.", field="url", code="invalid_url") from exc
    if parts.scheme not in ("http", "https") or not host or any(c.isspace() for c in url):
        raise ValidationFailed(
            "The webhook URL must be an absolute https:// URL.", field="url", code="invalid_url"
        )
    if parts.username or parts.password:
        raise ValidationFailed(
            "The webhook URL must not carry credentials.", field="url", code="invalid_url"
        )
    local = allow_http_localhost and _is_local(host)
    if parts.scheme == "http" and not local:
        raise ValidationFailed(
            "The webhook URL must use https.", field="url", code="https_required"
        )
    if not local and _is_internal(host):
        raise ValidationFailed(
            "The webhook URL must not point at a private, loopback or link-local address.",
            field="url",
            code="private_address",
        )
    return url


def _is_internal(host: str) -> bool:
    """An address literal (or localhost) inside a private network or this machine: not
    a place to send events to (server-side request forgery). Names are not resolved."""
    if host.lower() in LOCAL_HOSTS or host.lower().endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def _is_local(host: str) -> bool:
    if host.lower() in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_events(events: Sequence[str]) -> tuple[str, ...]:
    if not events:
        raise ValidationFailed("Name at least one event.", field="events", code="required")
    for index, name in enumerate(events):
        if name not in STANDARD_EVENT_TYPES:
            raise ValidationFailed(
                f"Unknown event type {name!r}; known: {', '.join(sorted(STANDARD_EVENT_TYPES))}.",
                field=f"events[{index}]",
                code="unknown_event_type",
            )
    return tuple(dict.fromkeys(events))


def _check_description(description: str | None) -> str | None:
    if description is not None and len(description) > MAX_DESCRIPTION_LENGTH:
        raise ValidationFailed(
            f"At most {MAX_DESCRIPTION_LENGTH} characters.",
            field="description",
            code="too_long",
        )
    return description


def owned_webhook(uow: UnitOfWork, user: User, webhook_id: str) -> Webhook:
    """Someone else's webhook, or one of the Duffel dialect's, is a missing one: 404."""
    return webhooks.owned_webhook(uow, user, webhook_id, WebhookScheme.STANDARD)


def create_webhook(
    deps: Dependencies,
    *,
    user: User,
    url: str,
    events: Sequence[str],
    description: str | None = None,
) -> Webhook:
    """A new, active webhook; its ``secret`` (``whsec_…``) signs every delivery."""
    now = deps.clock.now()
    webhook = Webhook(
        id=new_id("whk"),
        owner_id=user.id,
        url=check_url(url, allow_http_localhost=deps.policies.webhook_allow_http_localhost),
        events=check_events(events),
        secret=secret_from(os.urandom(32)),
        active=True,
        created_at=now,
        updated_at=now,
        scheme=WebhookScheme.STANDARD,
        description=_check_description(description),
    )
    with deps.uow() as uow:
        if uow.webhooks.count_for_owner(user.id, WebhookScheme.STANDARD) >= MAX_WEBHOOKS:
            raise InvalidState(
                f"An account has at most {MAX_WEBHOOKS} webhooks.", code="too_many_webhooks"
            )
        uow.webhooks.add(webhook)
        uow.commit()
    return webhook


def list_webhooks(deps: Dependencies, *, user: User, page: PageRequest) -> Page[Webhook]:
    with deps.uow(read_only=True) as uow:
        return uow.webhooks.list_for_owner(user.id, page, WebhookScheme.STANDARD)


def get_webhook(deps: Dependencies, *, user: User, webhook_id: str) -> Webhook:
    with deps.uow(read_only=True) as uow:
        return owned_webhook(uow, user, webhook_id)


@dataclass(frozen=True, slots=True)
class WebhookChanges:
    """What a client may change; None leaves it as it is."""

    url: str | None = None
    events: Sequence[str] | None = None
    active: bool | None = None
    description: str | None = None


def update_webhook(
    deps: Dependencies, *, user: User, webhook_id: str, changes: WebhookChanges
) -> Webhook:
    """Change the URL, events, description, or turn it off and on again (``active``);
    turning a disabled webhook on clears ``disabled_reason``. A compare-and-set on
    the version read: a concurrent edit makes this one 409."""
    url = changes.url
    if url is not None:
        url = check_url(url, allow_http_localhost=deps.policies.webhook_allow_http_localhost)
    events = check_events(changes.events) if changes.events is not None else None
    description = _check_description(changes.description)
    now = deps.clock.now()
    with deps.uow() as uow:
        current = owned_webhook(uow, user, webhook_id)
        active = current.active if changes.active is None else changes.active
        if not uow.webhooks.change(
            current.id,
            expected_updated_at=current.updated_at,
            url=url if url is not None else current.url,
            events=events if events is not None else current.events,
            description=description if description is not None else current.description,
            active=active,
            reenabled=active and not current.active,
            now=now,
        ):
            raise InvalidState(
                f"Webhook {webhook_id} changed meanwhile; read it again.",
                code="webhook_changed",
            )
        updated = uow.webhooks.get(current.id)
        uow.commit()
    assert updated is not None
    return updated


def delete_webhook(deps: Dependencies, *, user: User, webhook_id: str) -> Webhook:
    """Delete a webhook and its delivery log; attempts still queued find nothing to do."""
    with deps.uow() as uow:
        found = owned_webhook(uow, user, webhook_id)
        uow.webhooks.delete(found.id)
        uow.commit()
    return found


def _require_active(webhook: Webhook) -> None:
    if not webhook.active:
        raise InvalidState(
            f"Webhook {webhook.id} is disabled; set active to true first.",
            code="webhook_disabled",
        )


def ping_webhook(deps: Dependencies, *, user: User, webhook_id: str) -> Delivery:
    """Send a ``ping`` event now; the delivery as it stands after the first attempt
    (retried like any other if that failed)."""
    now = deps.clock.now()
    with deps.uow() as uow:
        webhook = owned_webhook(uow, user, webhook_id)
        _require_active(webhook)
        body = webhook_delivery.event_body(
            new_id("evt"), PING, now, {"webhook": {"id": webhook.id, "url": webhook.url}}
        )
        delivery = webhook_delivery.queue_delivery(uow, deps, webhook, body)
        assert delivery is not None  # a new event id
        uow.commit()
    run_job_now(deps, JobKind.DELIVER_WEBHOOK, webhook_delivery.job_key(delivery.id, 0))
    return _delivery(deps, delivery.id)


def list_deliveries(
    deps: Dependencies, *, user: User, webhook_id: str, page: PageRequest
) -> Page[Delivery]:
    """The webhook's delivery log, newest first."""
    with deps.uow(read_only=True) as uow:
        webhook = owned_webhook(uow, user, webhook_id)
        return uow.webhook_deliveries.list_for_webhook(webhook.id, page)


def redeliver(deps: Dependencies, *, user: User, webhook_id: str, delivery_id: str) -> Delivery:
    """Send a delivered or failed event again, now, with the same ``webhook-id``, and
    retry it for another window if that fails. 422 while it is still being retried."""
    now = deps.clock.now()
    with deps.uow() as uow:
        webhook = owned_webhook(uow, user, webhook_id)
        delivery = uow.webhook_deliveries.get(delivery_id)
        if delivery is None or delivery.webhook_id != webhook.id:
            raise NotFound(
                f"No delivery {delivery_id}.", code="delivery_not_found", field="delivery_id"
            )
        _require_active(webhook)
        if not uow.webhook_deliveries.restart(
            delivery.id, now=now, retry_until=now + deps.policies.webhook_retries.window
        ):
            raise InvalidState(
                f"Delivery {delivery_id} is still being retried (next attempt at "
                f"{delivery.next_attempt_at}).",
                code="delivery_in_progress",
            )
        key = webhook_delivery.enqueue_attempt(uow, deps, delivery.id, delivery.attempts, now)
        uow.commit()
    run_job_now(deps, JobKind.DELIVER_WEBHOOK, key)
    return _delivery(deps, delivery.id)


def _delivery(deps: Dependencies, delivery_id: str) -> Delivery:
    with deps.uow(read_only=True) as uow:
        found = uow.webhook_deliveries.get(delivery_id)
    if found is None:  # the webhook was deleted meanwhile, and its log with it
        raise NotFound(f"No delivery {delivery_id}.", code="delivery_not_found")
    return found
