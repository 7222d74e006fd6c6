"""Keeping a local copy of another service's records from the snapshots its messages carry."""

from datetime import UTC, datetime


def apply_snapshot(session, model, snapshot: dict, *, deleted: bool = False):
    """Insert or update the row with ``snapshot['id']`` unless it already holds that version or a newer one.

    A deletion keeps the row as a tombstone (``deleted_at`` set), so a late, older snapshot cannot bring it back.
    Returns the row.
    """
    row = session.get(model, snapshot["id"])
    if row is not None and row.version >= snapshot["version"]:
        # A deletion carries the record's last version, which the replica may hold already: it still deletes.
        if deleted and row.deleted_at is None and row.version == snapshot["version"]:
            row.deleted_at = datetime.now(UTC)
        return row
    if row is None:
        row = model(id=snapshot["id"])
        session.add(row)
    for key, value in snapshot.items():
        setattr(row, key, value)
    row.deleted_at = datetime.now(UTC) if deleted else None
    return row
