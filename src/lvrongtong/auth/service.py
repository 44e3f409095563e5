"""Authentication use cases: users, passwords (Argon2id), bearer tokens, API keys → Principal."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lvrongtong.audit import service as audit
from lvrongtong.auth.models import ROLES, AccessToken, ApiKey, User
from lvrongtong.kit.errors import Conflict, FieldError, Forbidden, Unauthorized, ValidationFailed
from lvrongtong.kit.principal import Principal
from lvrongtong.registry import service as registry
from lvrongtong.registry.models import Organisation

_hasher = PasswordHasher()  # Argon2id, library defaults (RFC 9106 recommended parameters)
API_KEY_PREFIX = "lvk_"
TOKEN_PREFIX = "lvt_"


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_roles(roles: list[str]) -> list[str]:
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        raise ValidationFailed([FieldError("roles", "role_known", f"角色须为：{', '.join(ROLES)}",
                                           f"roles must be among: {', '.join(ROLES)}")])
    return sorted(set(roles))


def create_user(session: Session, who: Principal, username: str, password: str, organisation_id: int,
                roles: list[str], display_name: str = "") -> User:
    if not (who.is_system or (who.is_admin() and organisation_id in who.org_ids)):
        raise Forbidden("只有本机构管理员可以创建用户", "only an admin of the organisation can create its users")
    if len(password) < 10:
        raise ValidationFailed([FieldError("password", "password_length", "密码至少10位",
                                           "the password needs at least 10 characters")])
    if session.get(Organisation, organisation_id) is None:
        raise ValidationFailed([FieldError("organisation_id", "organisation_exists", "机构不存在",
                                           "organisation not found")])
    if session.scalar(select(User.id).where(User.username == username)):
        raise Conflict("username", "username_unique", "用户名已存在", "username already taken")
    user = User(username=username, password_hash=hash_password(password), organisation_id=organisation_id,
                roles=_check_roles(roles), display_name=display_name or username)
    session.add(user)
    session.flush()
    audit.record(session, who, "user.create", "user", user.id, None,
                 {"username": username, "organisation_id": organisation_id, "roles": user.roles})
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        _hasher.hash(password)  # same cost whether or not the user exists
        raise Unauthorized("用户名或密码错误", "wrong username or password")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise Unauthorized("用户名或密码错误", "wrong username or password") from None
    return user


def principal_for_user(session: Session, user: User) -> Principal:
    org = session.get(Organisation, user.organisation_id)
    assert org is not None
    return Principal(actor=f"user:{user.id}", organisation_id=org.id, org_type=org.type,
                     roles=frozenset(user.roles), user_id=user.id, org_uscc=org.uscc,
                     org_ids=registry.branch_ids(session, org.id), display_name=user.display_name)


def issue_token(session: Session, user: User, ttl_hours: int) -> tuple[str, datetime]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(hours=ttl_hours)
    session.add(AccessToken(token_sha256=_sha256(token), user_id=user.id, expires_at=expires))
    session.flush()
    return token, expires


def revoke_token(session: Session, token: str) -> None:
    principal_cache.drop(_sha256(token))
    session.execute(update(AccessToken).where(AccessToken.token_sha256 == _sha256(token)).values(revoked=True))


def create_api_key(session: Session, who: Principal, organisation_id: int, name: str,
                   roles: list[str]) -> tuple[str, ApiKey]:
    if not (who.is_system or (who.is_admin() and organisation_id in who.org_ids)):
        raise Forbidden("只有本机构管理员可以创建API密钥", "only an admin of the organisation can create API keys")
    secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(prefix=secret[:12], key_sha256=_sha256(secret), organisation_id=organisation_id, name=name,
                 roles=_check_roles(roles), created_by_user_id=who.user_id)
    session.add(key)
    session.flush()
    audit.record(session, who, "apikey.create", "api_key", key.id, None,
                 {"organisation_id": organisation_id, "name": name, "roles": key.roles, "prefix": key.prefix})
    return secret, key


class _PrincipalCache:
    """Bearer secret digest → Principal for a few seconds, so a busy API client does not cost four
    queries per request. A revocation in this process takes effect at once; in other worker
    processes within ``ttl`` seconds (docs/operations.md)."""

    def __init__(self, ttl: float = 30.0, size: int = 10_000):
        self.ttl, self.size = ttl, size
        self._items: dict[str, tuple[float, Principal]] = {}

    def get(self, digest: str) -> Principal | None:
        item = self._items.get(digest)
        if item is None or item[0] < time.monotonic():
            return None
        return item[1]

    def put(self, digest: str, who: Principal, valid_for: float | None = None) -> None:
        if len(self._items) >= self.size:
            self._items.clear()
        ttl = self.ttl if valid_for is None else max(0.0, min(self.ttl, valid_for))
        self._items[digest] = (time.monotonic() + ttl, who)

    def drop(self, digest: str) -> None:
        self._items.pop(digest, None)

    def clear(self) -> None:
        self._items.clear()


principal_cache = _PrincipalCache()


def cached_principal(secret: str) -> Principal | None:
    """The cached caller for a bearer secret, without touching the database (None if not cached)."""
    return principal_cache.get(_sha256(secret))


def principal_for_bearer(session: Session, secret: str) -> Principal:
    digest = _sha256(secret)
    cached = principal_cache.get(digest)
    if cached is not None:
        return cached
    who, expires_at = _principal_for_bearer(session, secret, digest)
    valid_for = (expires_at - datetime.now(UTC)).total_seconds() if expires_at else None
    principal_cache.put(digest, who, valid_for)
    return who


def _principal_for_bearer(session: Session, secret: str, digest: str) -> tuple[Principal, datetime | None]:
    if secret.startswith(API_KEY_PREFIX):
        key = session.scalar(select(ApiKey).where(ApiKey.key_sha256 == digest, ApiKey.revoked.is_(False)))
        if key is None:
            raise Unauthorized("API密钥无效或已撤销", "invalid or revoked API key")
        org = session.get(Organisation, key.organisation_id)
        assert org is not None
        return Principal(actor=f"apikey:{key.id}", organisation_id=org.id, org_type=org.type,
                         roles=frozenset(key.roles), org_uscc=org.uscc,
                         org_ids=registry.branch_ids(session, org.id), display_name=key.name), None
    token = session.scalar(select(AccessToken).where(AccessToken.token_sha256 == digest,
                                                     AccessToken.revoked.is_(False)))
    if token is None or token.expires_at < datetime.now(UTC):
        raise Unauthorized("令牌无效或已过期", "invalid or expired token")
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        raise Unauthorized()
    return principal_for_user(session, user), token.expires_at


def principal_for_session(session: Session, user_id: int) -> Principal | None:
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    return principal_for_user(session, user)
