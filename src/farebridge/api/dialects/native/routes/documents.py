"""The PDF documents of an order: its e-ticket and its cancellation receipt (ADR 0017)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from farebridge.api.deps import CurrentUser, ServicesDep
from farebridge.api.dialects.native.errors import responses
from farebridge.api.dialects.native.models.documents import OrderDocumentListResponse
from farebridge.api.dialects.native.presenters.documents import present_document
from farebridge.api.routing import APIRouter
from farebridge.domain.documents import DocumentKind, OrderDocument
from farebridge.services import documents

router = APIRouter(tags=["documents"])

PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The newest PDF of this kind, as an attachment",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        "headers": {
            "Content-Disposition": {
                "description": 'attachment; filename="e-ticket-ABC123.pdf"',
                "schema": {"type": "string"},
            },
            "ETag": {"description": "The PDF's sha256", "schema": {"type": "string"}},
        },
    }
}


@router.get("/orders/{order_id}/documents", responses=responses(401, 404))
def list_order_documents(
    order_id: str, services: ServicesDep, user: CurrentUser
) -> OrderDocumentListResponse:
    """The order's PDFs (newest version of each kind); empty until ticketed or cancelled."""
    found = documents.list_documents(services, user=user, order_id=order_id)
    return OrderDocumentListResponse.model_construct(data=[present_document(d) for d in found])


@router.get(
    "/orders/{order_id}/documents/{kind}",
    response_class=Response,
    responses={**PDF_RESPONSE, **responses(401, 404)},
)
def get_order_document(
    order_id: str, kind: DocumentKind, services: ServicesDep, user: CurrentUser
) -> Response:
    """Download the newest PDF of ``kind``; 404 ``document_not_ready`` until it is made."""
    return pdf_response(documents.get_document(services, user=user, order_id=order_id, kind=kind))


def pdf_response(document: OrderDocument) -> Response:
    """A stored PDF as an attachment, named, with its sha256 as the ETag."""
    return Response(
        content=document.content,
        media_type=document.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{document.filename}"',
            "ETag": f'"{document.sha256}"',
            "Cache-Control": "private, no-cache",
        },
    )
