"""farebridge: a self-hostable flight booking engine."""
