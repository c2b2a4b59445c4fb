"""The PDF documents of orders (ADR 0017). Versions are unique per order and kind: of
two writers that race for the same version, one inserts and the other is told so."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import IntegrityError

from farebridge.domain.documents import DocumentInfo, DocumentKind, OrderDocument
from farebridge.store.tables import order_documents

_INFO = (
    order_documents.c.id,
    order_documents.c.order_id,
    order_documents.c.kind,
    order_documents.c.version,
    order_documents.c.filename,
    order_documents.c.size,
    order_documents.c.sha256,
    order_documents.c.source,
    order_documents.c.created_at,
)


class DocumentRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, document: OrderDocument) -> bool:
        """Insert; False when the order already has this kind at this version."""
        try:
            with self._db.begin_nested():
                self._db.execute(
                    insert(order_documents).values(
                        id=document.id,
                        order_id=document.order_id,
                        kind=document.kind.value,
                        version=document.version,
                        filename=document.filename,
                        content=document.content,
                        size=document.size,
                        sha256=document.sha256,
                        source=document.source,
                        created_at=document.created_at,
                    )
                )
        except IntegrityError:
            return False
        return True

    def newest_info(self, order_id: str, kind: DocumentKind) -> DocumentInfo | None:
        """The highest version of ``kind``, without its bytes."""
        row = self._db.execute(
            select(*_INFO)
            .where(order_documents.c.order_id == order_id, order_documents.c.kind == kind.value)
            .order_by(order_documents.c.version.desc())
            .limit(1)
        ).first()
        return None if row is None else _info(row)

    def newest(self, order_id: str, kind: DocumentKind) -> OrderDocument | None:
        """The highest version of ``kind``, with its bytes."""
        row = self._db.execute(
            select(*_INFO, order_documents.c.content)
            .where(order_documents.c.order_id == order_id, order_documents.c.kind == kind.value)
            .order_by(order_documents.c.version.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        info = _info(row)
        return OrderDocument(
            id=info.id,
            order_id=info.order_id,
            kind=info.kind,
            version=info.version,
            filename=info.filename,
            size=info.size,
            sha256=info.sha256,
            source=info.source,
            created_at=info.created_at,
            content=bytes(row.content),
        )

    def list_newest(self, order_id: str) -> list[DocumentInfo]:
        """The highest version of each kind the order has, e-ticket first; no bytes."""
        newest = (
            select(order_documents.c.kind, func.max(order_documents.c.version).label("version"))
            .where(order_documents.c.order_id == order_id)
            .group_by(order_documents.c.kind)
            .subquery()
        )
        rows = self._db.execute(
            select(*_INFO)
            .join(
                newest,
                (order_documents.c.kind == newest.c.kind)
                & (order_documents.c.version == newest.c.version),
            )
            .where(order_documents.c.order_id == order_id)
        )
        order = list(DocumentKind)
        return sorted((_info(r) for r in rows), key=lambda d: order.index(d.kind))


def _info(row: Any) -> DocumentInfo:
    return DocumentInfo(
        id=row.id,
        order_id=row.order_id,
        kind=DocumentKind(row.kind),
        version=row.version,
        filename=row.filename,
        size=row.size,
        sha256=row.sha256,
        source=row.source,
        created_at=row.created_at,
    )
