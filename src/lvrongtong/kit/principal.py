"""Who is calling: the identity every service uses to scope queries and to write the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Principal:
    actor: str  # "user:12", "apikey:3", "cli", "system"
    organisation_id: int | None
    org_type: str | None  # regulator, bank, insurer, securities_fund, enterprise, government, verifier
    roles: frozenset[str] = field(default_factory=frozenset)
    user_id: int | None = None
    org_uscc: str | None = None
    org_ids: frozenset[int] = field(default_factory=frozenset)  # the organisation and its branches
    display_name: str = ""

    @property
    def is_system(self) -> bool:
        """CLI and jobs run by the operator of the installation act with full access."""
        return self.actor in ("cli", "system")

    def can_write(self) -> bool:
        return self.is_system or bool(self.roles & {"operator", "admin"})

    def is_admin(self) -> bool:
        return self.is_system or "admin" in self.roles


SYSTEM = Principal(actor="system", organisation_id=None, org_type=None, roles=frozenset({"admin"}))
CLI = Principal(actor="cli", organisation_id=None, org_type=None, roles=frozenset({"admin"}))
