"""The explicit table from job kind to handler: the only place that says who runs what.

``check_handler_table`` runs when a process builds its dependencies and again
when a worker starts (against the jobs still queued), so a kind without a
handler stops the process at start-up instead of failing jobs quietly.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from farebridge.services import (
    change_jobs,
    documents,
    notifications,
    releases,
    search,
    sync,
    ticketing,
    webhooks,
)
from farebridge.services.jobs import JobKind
from farebridge.services.ports import BatchJobHandler, Dependencies, JobHandler
from farebridge.services.recovery import recover_order


def _recover(deps: Dependencies, payload: dict[str, object]) -> None:
    recover_order(deps, str(payload["order_id"]))


HANDLERS: Mapping[str, JobHandler] = MappingProxyType(
    {
        JobKind.SEARCH: search.run_offer_request,
        JobKind.TICKETING: ticketing.issue_tickets,
        JobKind.SYNC: sync.sync_order,
        JobKind.RELEASE: releases.release_booking,
        JobKind.REFUND: releases.refund_payment,
        JobKind.RECOVER_ORDER: _recover,
        JobKind.DELIVER_WEBHOOK: webhooks.deliver,
        JobKind.REISSUE: change_jobs.reissue_tickets,
        JobKind.SEND_EMAIL: notifications.send_email,
        JobKind.RENDER_DOCUMENT: documents.render_document,
    }
)

# Kinds whose jobs a worker thread may run several at once (ADR 0052); each kind keeps
# its single handler above too (the API's ``run_job_now``, a batch of one).
BATCH_HANDLERS: Mapping[str, BatchJobHandler] = MappingProxyType(
    {JobKind.TICKETING: ticketing.issue_tickets_many}
)
