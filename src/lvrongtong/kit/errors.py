"""One error shape everywhere: a machine code, the field, and zh-CN / en messages.

HTTP body::

    {"error": {"code": "validation_failed", "message_zh": "...", "message_en": "...",
               "details": [{"field": "uscc", "rule": "uscc_check_character",
                            "message_zh": "...", "message_en": "..."}]}}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class FieldError:
    field: str
    rule: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class AppError(Exception):
    code: str
    message_zh: str
    message_en: str
    status: int = 400
    details: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"

    def as_dict(self) -> dict:
        return {
            "error": {
                "code": self.code,
                "message_zh": self.message_zh,
                "message_en": self.message_en,
                "details": [d.as_dict() for d in self.details],
            }
        }


class ValidationFailed(AppError):
    def __init__(self, details: list[FieldError]):
        super().__init__(
            code="validation_failed",
            message_zh="输入校验未通过：" + "；".join(d.message_zh for d in details),
            message_en="Validation failed: " + "; ".join(d.message_en for d in details),
            status=422,
            details=list(details),
        )


def field_error(field_name: str, rule: str, zh: str, en: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field_name, rule, zh, en)])


class NotFound(AppError):
    def __init__(self, what_zh: str = "记录", what_en: str = "record"):
        super().__init__("not_found", f"{what_zh}不存在或无权访问", f"{what_en} not found", 404)


class Forbidden(AppError):
    def __init__(self, zh: str = "无权执行此操作", en: str = "You are not allowed to do this"):
        super().__init__("forbidden", zh, en, 403)


class Unauthorized(AppError):
    def __init__(self, zh: str = "请先登录或提供有效令牌", en: str = "Authentication required"):
        super().__init__("unauthorized", zh, en, 401)


class Conflict(AppError):
    def __init__(self, field_name: str, rule: str, zh: str, en: str):
        super().__init__("conflict", zh, en, 409, [FieldError(field_name, rule, zh, en)])
