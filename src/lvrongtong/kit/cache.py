"""In-process cache of serialised read answers, keyed on the caller's scope and the data version.

An entry is served only while its domain's version (``kit/dataversion.py``) is unchanged, so a
committed write anywhere — this process, another worker, the CLI — makes older entries unreachable.
The caller's scope (organisation type, organisation and branches, USCC) is part of the key, so one
organisation never receives another's answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from lvrongtong.kit.principal import Principal


def scope_key(who: Principal) -> Hashable:
    return (who.is_system, who.org_type, who.organisation_id, tuple(sorted(who.org_ids)), who.org_uscc)


class AnswerCache:
    def __init__(self, size: int = 1024):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_build(self, key: Hashable, build: Callable[[], Any]) -> Any:
        if self.size <= 0:
            return build()
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return value
        value = build()
        with self._lock:
            self.misses += 1
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
