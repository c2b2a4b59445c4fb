"""The currencies a search may be priced in."""

from __future__ import annotations

from farebridge.api.deps import ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.currencies import CurrenciesResponse
from farebridge.api.dialects.native.presenters.currencies import present_currencies
from farebridge.api.routing import APIRouter
from farebridge.services import rates

router = APIRouter(tags=["currencies"])


@router.get("/currencies", responses=responses())
def list_currencies(services: ServicesDep) -> CurrenciesResponse:
    """The selling currencies, their exchange rates, and the server's default currency."""
    found = rates.list_rates(services)
    return CurrenciesResponse.model_construct(
        data=present_currencies(services.policies.default_currency, found)
    )
