"""Settings from the environment (``LVRONGTONG_*``) and an optional TOML config file.

Precedence (highest first): explicit overrides (CLI flags) → environment variables →
``<data_dir>/lvrongtong.toml`` (or the file named by ``LVRONGTONG_CONFIG``) → defaults.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("./data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LVRONGTONG_", extra="ignore")

    data_dir: Path = Field(default=DEFAULT_DATA_DIR, description="where the embedded database and files live")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default: SQLite in data_dir")
    secret_key: str | None = Field(default=None, description="signs session cookies; default: generated per data dir")
    token_ttl_hours: int = 12
    session_cookie: str = "lvrongtong_session"
    default_language: str = "zh"
    answer_cache_size: int = Field(default=1024, description="cached list/dashboard answers per process; 0 = off")
    answer_cache_max_lag_seconds: float = Field(
        default=1.0, description="how long another process's commit may go unseen by the answer cache; 0 = never")
    mqtt_enabled: bool = Field(default=False, description="devices over MQTT; off: HTTP ingestion only, no broker")
    mqtt_host: str = "127.0.0.1"
    mqtt_port: int = 1883
    mqtt_username: str | None = None
    mqtt_password: str | None = None
    mqtt_topic_prefix: str = Field(default="lvrongtong/v1", description="readings arrive on <prefix>/<device>/readings")
    mqtt_client_id: str = Field(default="lvrongtong-ingester", description="fixed id: the broker keeps its session")
    accounts_benchmark_min_sample: int = Field(default=5, description="fewer firms in a benchmark → flagged, unused")
    accounts_rating_file: Path | None = Field(default=None, description="rating schemes JSON; default: shipped file")

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'lvrongtong.sqlite3').resolve()}"

    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


def _file_values(data_dir: Path | None) -> dict[str, Any]:
    candidates = []
    if os.environ.get("LVRONGTONG_CONFIG"):
        candidates.append(Path(os.environ["LVRONGTONG_CONFIG"]))
    if data_dir is not None:
        candidates.append(data_dir / "lvrongtong.toml")
    for path in candidates:
        if path.is_file():
            with path.open("rb") as fh:
                return dict(tomllib.load(fh).get("lvrongtong", {}))
    return {}


def load_settings(**overrides: Any) -> Settings:
    """Build settings; ``overrides`` with value ``None`` are ignored."""
    overrides = {k: v for k, v in overrides.items() if v is not None}
    env_dir = os.environ.get("LVRONGTONG_DATA_DIR")
    data_dir = Path(overrides.get("data_dir") or env_dir or DEFAULT_DATA_DIR)
    values = _file_values(data_dir)
    env_keys = {k[len("LVRONGTONG_"):].lower() for k in os.environ if k.startswith("LVRONGTONG_")}
    values = {k: v for k, v in values.items() if k not in env_keys}
    values.update(overrides)
    values.setdefault("data_dir", data_dir)
    return Settings(**values)


@lru_cache(maxsize=1)
def default_settings() -> Settings:
    return load_settings()
