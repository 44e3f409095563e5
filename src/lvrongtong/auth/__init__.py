"""Users, roles, sessions, bearer tokens and per-organisation API keys."""
