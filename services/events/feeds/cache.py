"""Whole feed bytes (and their gzip), kept per process by (feed, filters) and replaced when the version changes."""

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CachedFeed:
    version: tuple
    body: bytes
    gzipped: bytes
    #: Of the bytes, so that every worker gives the same feed the same ETag.
    etag: str
    last_modified: datetime | None


class FeedCache:
    """A small LRU map; each gunicorn worker has its own, and the version query keeps them all right."""

    def __init__(self, size: int = 512):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        #: URL (with its query and the day's window) -> (when its version was last asked, the entry it gave).
        self._checked: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def recent(self, address, seconds: float) -> CachedFeed | None:
        """The entry served for ``address`` if its version was asked less than ``seconds`` ago."""
        if seconds <= 0:
            return None
        with self._lock:
            found = self._checked.get(address)
        if found is None or time.monotonic() - found[0] >= seconds:
            return None
        return found[1]

    def checked(self, address, entry: CachedFeed) -> None:
        with self._lock:
            self._checked[address] = (time.monotonic(), entry)
            self._checked.move_to_end(address)
            while len(self._checked) > self.size:
                self._checked.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._checked.clear()

    def get(self, key, version: tuple) -> CachedFeed | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.version != version:
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key, version: tuple, body: bytes, last_modified: datetime | None) -> CachedFeed:
        # Level 1, as nginx gzips by default: most of the saving (a feed shrinks ~15x) for a third of the time.
        entry = CachedFeed(version, body, gzip.compress(body, compresslevel=1, mtime=0),
                           hashlib.sha256(body).hexdigest()[:32], last_modified)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return entry
