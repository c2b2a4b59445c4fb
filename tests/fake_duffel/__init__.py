"""A fake Duffel for tests: ``server.FakeDuffel`` behind ``httpx.MockTransport``, and an
in-memory store of the provider's references."""
