"""The PDF documents of an order (ADR 0017)."""

from __future__ import annotations

from pydantic import Field

from farebridge.api.dialects.native.models.common import Instant, WireModel
from farebridge.domain.documents import DocumentKind


class OrderDocument(WireModel):
    """The newest version of one kind of PDF of the order; download it at ``url``."""

    id: str
    kind: DocumentKind
    version: int = Field(description="1, then one more for each reissue of the tickets")
    filename: str = Field(examples=["e-ticket-ABC123.pdf"])
    content_type: str = Field(examples=["application/pdf"])
    size: int = Field(description="Bytes")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    created_at: Instant
    url: str = Field(examples=["/api/orders/ord_123/documents/e_ticket"])


class OrderDocumentListResponse(WireModel):
    data: list[OrderDocument]
