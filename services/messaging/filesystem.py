"""kombu's filesystem transport, with its files written atomically.

The stock transport creates a message file and only then writes into it, and likewise an exchange's binding table.
A consumer polling the folder can claim the file while it is still empty and crash on it (seen here under load);
a process binding a queue can read an empty table. Here each file is written by ``services.messaging.files``, so
readers see all of it or nothing. A binding is also always written to its table file, even when another
connection of the same process has declared it already.
"""

import os
import uuid
from time import monotonic

from kombu.transport import filesystem
from kombu.utils.json import dumps

from services.messaging.files import write_atomically


class Channel(filesystem.Channel):
    def queue_bind(self, queue, exchange=None, routing_key="", arguments=None, **kwargs):
        exchange = exchange or "amq.direct"
        if not self.state.has_binding(queue, exchange, routing_key):
            super().queue_bind(queue, exchange, routing_key, arguments, **kwargs)
            return
        # kombu keeps bindings in memory shared by every connection of the process, and skips a binding it
        # already knows. Another thread may have recorded it there but not yet in the table file, and a publish
        # in between would miss the queue (seen in tests: relay and consumer in one process). Writing it to the
        # file again is harmless: _queue_bind adds an entry only if it is missing.
        meta = self.typeof(exchange).prepare_bind(queue, exchange, routing_key, arguments)
        self._queue_bind(exchange, *meta)

    def _put(self, queue, payload, **kwargs):
        # The same name pattern as kombu's, which its _get sorts and filters on.
        filename = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        write_atomically(os.path.join(self.data_folder_out, filename), dumps(payload).encode(), replace=True)

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        table = self._exchange_file(exchange)
        if not table.exists():
            self.control_folder.mkdir(parents=True, exist_ok=True)
            write_atomically(str(table), b"[]", replace=False)
        super()._queue_bind(exchange, routing_key, pattern, queue)


class Transport(filesystem.Transport):
    Channel = Channel
