"""Agents: the customers of their agency, to book and service for (ADR 0036)."""

from __future__ import annotations

from farebridge.api.deps import CurrentUser, ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.admin import AgencyCustomerListResponse
from farebridge.api.dialects.native.presenters.admin import present_agency_customer
from farebridge.api.routing import APIRouter
from farebridge.services import agency

router = APIRouter(prefix="/agency", tags=["agency"])


@router.get("/customers", responses=responses(401, 403))
def list_agency_customers(services: ServicesDep, user: CurrentUser) -> AgencyCustomerListResponse:
    """The customers an agent may book for (the agency's; admins: everyone's), oldest first."""
    found = agency.list_agency_customers(services, actor=user)
    return AgencyCustomerListResponse.model_construct(
        data=[present_agency_customer(customer, of) for customer, of in found]
    )
