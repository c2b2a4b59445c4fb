"""Webhooks that upstreams post to us (``/hooks/<provider>``)."""
