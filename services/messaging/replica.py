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


def apply_key(session, model, kind: str, data: dict, *, revoked: bool):
    """Insert or update an API key's hash in ``model`` (a service's copy of the keys, keyed by kind and key id).

    A key never comes back from revocation, whatever arrives late. Returns the row.
    """
    key = session.get(model, (kind, data["key_id"]))
    if key is None:
        key = model(kind=kind, key_id=data["key_id"])
        session.add(key)
    revoked_at = key.revoked_at or data.get("revoked_at")
    for name in ("prefix", "hash", "scopes", "issued_at"):
        setattr(key, name, data[name])
    key.organisation_id = data.get("organisation_id")
    if revoked and revoked_at is None:
        raise ValueError(f"{kind} key {data['key_id']}: a revocation without revoked_at")
    key.revoked_at = revoked_at
    return key
