"""Pure domain model: no FastAPI, SQLAlchemy or httpx below this line."""
