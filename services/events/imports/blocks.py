"""A feed's raw text, before icalendar builds anything: the bounds, and the VEVENT blocks that need parsing.

- The nesting of components and the number of VEVENTs are checked on the raw lines (:func:`check_shape`).
- Of each VEVENT only the lines the mapping reads are kept (its properties, not ATTENDEEs, X- properties, VALARMs
  and the like): icalendar, the slowest part of an import, parses nothing else.
- Each UID's blocks are hashed by those lines, unfolded and DTSTAMP aside (Google stamps every VEVENT at every
  request); a UID whose hashes are those of the last sync is not parsed again (:func:`to_parse`).
"""

import hashlib
import re
from dataclasses import dataclass

#: Components may nest this deep (VCALENDAR > VEVENT > VALARM, VTIMEZONE > STANDARD); deeper is hostile.
MAX_DEPTH = 4


class FeedError(ValueError):
    """A feed that cannot be read whole: nothing is synced from it, and nothing is cancelled."""


def check_shape(text: str, max_events: int) -> None:
    """Refuse, before parsing, a feed nested too deep or with more VEVENTs than allowed."""
    depth, events = 0, 0
    for line in text.splitlines():
        upper = line[:12].upper()
        if upper.startswith("BEGIN:"):
            depth += 1
            if depth > MAX_DEPTH:
                raise FeedError(f"components are nested more than {MAX_DEPTH} deep")
            if upper.startswith("BEGIN:VEVENT"):
                events += 1
                if events > max_events:
                    raise FeedError(f"the feed has more than {max_events} events")
        elif upper.startswith("END:"):
            depth -= 1
    if "BEGIN:VCALENDAR" not in text[:2000].upper():
        raise FeedError("this is not an iCalendar feed (no BEGIN:VCALENDAR)")
    if depth != 0 or not text.rstrip().upper().endswith("END:VCALENDAR"):
        raise FeedError("the feed is cut short (it does not end with END:VCALENDAR)")


_BLOCK = re.compile(r"^BEGIN:VEVENT\r?\n.*?^END:VEVENT\r?\n?", re.MULTILINE | re.DOTALL | re.IGNORECASE)
_BLOCK_UID = re.compile(r"^UID(?:;[^:\r\n]*)?:(.*)$", re.MULTILINE | re.IGNORECASE)
_BLOCK_STAMP = re.compile(r"^DTSTAMP[;:][^\r\n]*\r?\n", re.MULTILINE | re.IGNORECASE)
_FOLD = re.compile(r"\r?\n[ \t]")
_NAME = re.compile(r"[A-Za-z0-9-]+")


def read_lines(block: str, names: frozenset[str]) -> str:
    """The VEVENT ``block`` with only its own properties named in ``names`` (upper case), each with its folded
    continuation lines; the components nested in it (VALARM) are left out whole. A line without a readable name
    is kept, for icalendar to judge."""
    kept, keep, depth = [], True, 0
    ending = "\n" if block.endswith("\n") else ""
    for line in block[: len(block) - len(ending)].split("\n"):
        if line[:1] in (" ", "\t"):  # a folded continuation of the line before
            if keep:
                kept.append(line)
            continue
        found = _NAME.match(line)
        name = found.group(0).upper() if found else None
        if name == "BEGIN":
            depth += 1
        keep = depth == 1 and (name is None or name in names or name in ("BEGIN", "END"))
        if name == "END":
            depth -= 1
        if keep:
            kept.append(line)
    return "\n".join(kept) + ending


@dataclass
class Blocks:
    """What of a feed's text is parsed, and what is known to be the same as at the last sync."""

    #: The feed with the read lines of the VEVENTs to parse, and without those of unchanged UIDs.
    text: str
    #: UIDs whose VEVENTs are those of the last sync, by their hashes: not parsed again.
    unchanged: list[str]
    #: Every UID's block hashes (sorted), to be remembered for the next sync.
    hashes: dict[str, list[str]]


def to_parse(text: str, known: dict[str, list[str]], names: frozenset[str]) -> Blocks:
    """Each VEVENT of ``text`` cut down to the lines read (``names``), and those of UIDs unchanged since the last
    sync (``known``: each UID's block hashes then) left out."""
    found: dict[str, list] = {}
    blocks = []
    for block in _BLOCK.finditer(text):
        read = read_lines(block.group(0), names)
        unfolded = _FOLD.sub("", read)
        uid = _BLOCK_UID.search(unfolded)  # the VEVENT's own: an alarm's UID (RFC 9074) is not among the lines read
        blocks.append((block.start(), block.end(), read, uid.group(1).strip() if uid else None))
        if uid is not None:
            digest = hashlib.sha256(_BLOCK_STAMP.sub("", unfolded).encode()).hexdigest()
            found.setdefault(uid.group(1).strip(), []).append(digest)
    hashes = {uid: sorted(digests) for uid, digests in found.items()}
    unchanged = [uid for uid, digests in hashes.items() if known.get(uid) == digests]
    skipped = set(unchanged)
    kept, position = [], 0
    for start, end, read, uid in blocks:
        kept.append(text[position:start])
        if uid not in skipped:
            kept.append(read)
        position = end
    kept.append(text[position:])
    return Blocks("".join(kept), unchanged, hashes)
