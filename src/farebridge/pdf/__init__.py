"""PDF documents of an order (ADR 0017), drawn with fpdf2: pure functions from domain
values to PDF bytes. Services call them; they know nothing of storage or HTTP."""
