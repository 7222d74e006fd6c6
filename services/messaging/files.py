"""Files other processes read while they are written: the filesystem bus's messages and tables, the mail folder.

Each is written whole under a hidden scratch name (``.<name>.<random>.part``, which no reader's pattern matches)
and then renamed or linked into place, so a reader sees all of it or nothing.
"""

import os
import uuid


def write_atomically(path: str | os.PathLike, data: bytes, *, replace: bool = True) -> None:
    """Write ``data`` to ``path`` in one step: renamed over an existing file when ``replace``, else linked, and left
    alone when another process created the file first."""
    folder, name = os.path.split(os.fspath(path))
    scratch = os.path.join(folder, f".{name}.{uuid.uuid4().hex}.part")
    with open(scratch, "wb") as file:
        file.write(data)
    try:
        if replace:
            os.replace(scratch, path)
        else:
            os.link(scratch, path)  # fails if another process created it first, which is fine
    except FileExistsError:
        pass
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)
