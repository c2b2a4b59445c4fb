"""Worker processes that run the durable jobs after commit."""
