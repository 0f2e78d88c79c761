"""Authentication: bearer JWTs and API keys become a ``Principal``."""
