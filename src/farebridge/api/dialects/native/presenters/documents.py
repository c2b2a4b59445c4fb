"""Domain documents → native wire models."""

from __future__ import annotations

from farebridge.api.dialects.native.models.documents import OrderDocument
from farebridge.api.dialects.native.presenters.common import instant
from farebridge.domain.documents import DocumentInfo

PREFIX = "/api"


def present_document(document: DocumentInfo, *, url: str | None = None) -> OrderDocument:
    """``url``: where to download it, when not the order's own route (a manage token's)."""
    return OrderDocument(
        id=document.id,
        kind=document.kind,
        version=document.version,
        filename=document.filename,
        content_type="application/pdf",
        size=document.size,
        sha256=document.sha256,
        created_at=instant(document.created_at),
        url=url or f"{PREFIX}/orders/{document.order_id}/documents/{document.kind.value}",
    )
