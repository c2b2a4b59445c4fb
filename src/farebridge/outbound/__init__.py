"""Calls the engine makes to its clients' systems (webhook deliveries), behind
the ports that ``services`` own."""
