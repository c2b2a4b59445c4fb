"""The email notifications about an order."""

from __future__ import annotations

from farebridge.api.deps import CurrentUser, ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.notifications import EmailListResponse
from farebridge.api.dialects.native.presenters.notifications import present_email
from farebridge.api.routing import APIRouter
from farebridge.services import notifications

router = APIRouter(tags=["notifications"])


@router.get("/orders/{order_id}/emails", responses=responses(401, 404))
def list_order_emails(order_id: str, services: ServicesDep, user: CurrentUser) -> EmailListResponse:
    """The emails about the order (queued, sent, failed or skipped), oldest first."""
    found = notifications.list_order_emails(services, user=user, order_id=order_id)
    return EmailListResponse.model_construct(data=[present_email(e) for e in found])
