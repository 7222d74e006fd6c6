"""The embedded bus's files are written whole before anyone can see them."""

import pytest
from kombu.transport import filesystem as kombu_filesystem

from services.messaging import files
from services.messaging.connection import connect
from services.messaging.settings import BusSettings


def test_a_message_is_invisible_to_consumers_until_written_whole(tmp_path, monkeypatch):
    settings = BusSettings(broker_url="filesystem://", bus_dir=tmp_path)
    visible_during_write = []
    with connect(settings) as connection:
        channel = connection.channel()
        real_open = open

        class WatchedFile:
            def __init__(self, *args, **kwargs):
                self.file = real_open(*args, **kwargs)

            def write(self, data):
                visible_during_write.append(channel._size("q"))
                return self.file.write(data)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.file.close()

        # Watch writes in kombu's own module too: the stock transport fails this test there.
        monkeypatch.setattr(files, "open", WatchedFile, raising=False)
        monkeypatch.setattr(kombu_filesystem, "open", WatchedFile, raising=False)
        channel._put("q", {"body": "x" * 100_000, "properties": {}})
        monkeypatch.undo()
        assert visible_during_write == [0]
        assert channel._size("q") == 1
        assert channel._get("q")["body"] == "x" * 100_000


@pytest.fixture
def partners_exchange(tmp_path):
    """A channel of the embedded bus in ``tmp_path``, with the partners' exchange declared."""
    with connect(BusSettings(broker_url="filesystem://", bus_dir=tmp_path)) as connection:
        channel = connection.channel()
        channel.exchange_declare("osl.partners", type="topic")
        yield channel


def test_a_binding_table_is_created_whole(partners_exchange, tmp_path):
    channel = partners_exchange
    channel.queue_declare("q")
    channel.queue_bind("q", "osl.partners", "district.*")
    assert [entry.queue for entry in channel.get_table("osl.partners")] == ["q"]
    assert not [path for path in (tmp_path / "control").iterdir() if path.name.endswith(".part")]


def test_a_binding_known_in_memory_is_still_written_to_the_table(partners_exchange):
    # kombu shares declared bindings between all connections of a process. Another thread may have recorded a
    # binding in memory and not yet written the file; a second declaration must not take that as done.
    channel = partners_exchange
    channel.queue_declare("events.q")
    channel.state.binding_declare("events.q", "osl.partners", "district.*", None)
    assert channel.get_table("osl.partners") == []
    channel.queue_bind("events.q", "osl.partners", "district.*")
    assert [entry.queue for entry in channel.get_table("osl.partners")] == ["events.q"]
