"""The SensorThings MQTT extension over a separate broker (Debian's mosquitto).

`Announcer` publishes each new observation, as its JSON entity, on
``v1.1/Datastreams(<id>)/Observations`` (the topic subscribers of that datastream listen
to). `Bridge` subscribes to the same topics with MQTT 5's *no local* option and turns each
published observation *without* an ``@iot.id`` into a stored one (a client's create; an
announcement always carries its id, so announcements from other processes are never stored
twice), then announces it. A bad message is logged and dropped: MQTT has no reply channel.
"""

from __future__ import annotations

import json
import logging
import queue
import re
import threading
import time
from collections.abc import Sequence
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.subscribeoptions import SubscribeOptions
from sqlalchemy import Engine

from gis.errors import SensorError
from gis.sensors.observations import NewObservation
from gis.sensors.read import observation_document
from gis.sensors.scope import SYSTEM
from gis.sensors.write import Writer

log = logging.getLogger(__name__)

TOPIC_FILTER = "v1.1/+/Observations"
_TOPIC = re.compile(r"^v1\.1/Datastreams\((\d+)\)/Observations$")


def topic(datastream_id: int) -> str:
    return f"v1.1/Datastreams({datastream_id})/Observations"


def _client(client_id: str) -> mqtt.Client:
    return mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                       protocol=mqtt.MQTTv5)


def documents(base_url: str, stored: Sequence[tuple[int, NewObservation]]
              ) -> list[tuple[int, dict[str, Any]]]:
    """(datastream id, entity JSON) of observations just stored, for announcements."""
    return [(item.datastream_id, observation_document(base_url, observation_id, item))
            for observation_id, item in stored]


class Announcer:
    """A publishing connection to the broker (QoS 1), opened on first use."""

    def __init__(self, host: str, port: int, client_id: str = "twin-sta") -> None:
        self.host, self.port = host, port
        self._client: mqtt.Client | None = None
        self._client_id = client_id
        self._lock = threading.Lock()

    def _connected(self) -> mqtt.Client:
        with self._lock:
            if self._client is None:
                client = _client(self._client_id)
                client.connect(self.host, self.port)
                client.loop_start()
                self._client = client
            return self._client

    def announce(self, documents: Sequence[tuple[int, dict[str, Any]]]) -> None:
        if not documents:
            return
        client = self._connected()
        infos = [client.publish(topic(ds), json.dumps(doc), qos=1) for ds, doc in documents]
        for info in infos:
            info.wait_for_publish(timeout=5)

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.loop_stop()
                self._client.disconnect()
                self._client = None


class Bridge:
    """Stores observations published to the broker (see the module docstring).

    Messages are queued by the network thread and stored by a worker in batches (up to
    `BATCH` messages or whatever arrived within `LINGER` seconds): one transaction and one
    COPY per batch instead of per message. A batch the store refuses is retried message by
    message, so one bad message is dropped (logged) and the others kept."""

    BATCH = 2000
    LINGER = 0.05

    def __init__(self, engine: Engine, host: str, port: int, base_url: str) -> None:
        self.engine = engine
        self.base_url = base_url
        self.host, self.port = host, port
        self.announcer = Announcer(host, port, "twin-sta-bridge-out")
        self.subscribed = threading.Event()
        self.stored = 0
        self._queue: queue.Queue[tuple[int, dict[str, Any]]] = queue.Queue()
        self._stop = threading.Event()
        self._worker = threading.Thread(target=self._work, name="sta-bridge", daemon=True)
        self.client = _client("twin-sta-bridge")
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any,
                    properties: Any) -> None:
        client.subscribe(TOPIC_FILTER, options=SubscribeOptions(qos=1, noLocal=True))

    def _on_subscribe(self, client: mqtt.Client, userdata: Any, mid: int, reasons: Any,
                      properties: Any) -> None:
        self.subscribed.set()

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage
                    ) -> None:
        match = _TOPIC.match(message.topic)
        try:
            body = json.loads(message.payload)
        except ValueError:
            log.warning("%s: not JSON, dropped", message.topic)
            return
        if match is None or not isinstance(body, dict) or "@iot.id" in body:
            return  # another topic, or an announcement
        self._queue.put((int(match.group(1)), body))

    def _next_batch(self) -> list[tuple[int, dict[str, Any]]]:
        try:
            batch = [self._queue.get(timeout=0.2)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + self.LINGER
        while len(batch) < self.BATCH:
            try:
                batch.append(self._queue.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        return batch

    def _work(self) -> None:
        while not self._stop.is_set() or not self._queue.empty():
            batch = self._next_batch()
            if batch:
                self._store(batch)

    def _store(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        try:
            stored = self._store_together(batch)
        except SensorError:
            stored = []
            for one in batch:
                try:
                    stored += self._store_together([one])
                except SensorError as exc:
                    log.warning("Datastreams(%d): observation refused: %s", one[0], exc)
        self.stored += len(stored)
        self.announcer.announce(documents(self.base_url, stored))

    def _store_together(self, batch: list[tuple[int, dict[str, Any]]]
                        ) -> list[tuple[int, NewObservation]]:
        with self.engine.begin() as conn:
            writer = Writer(conn, SYSTEM)
            items = [writer.observation_item(body, {"Datastream": ds}) for ds, body in batch]
            writer.store_observations(items)
            return writer.created.stored

    def start(self) -> None:
        self._worker.start()
        self.client.connect(self.host, self.port)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()
        self._stop.set()
        self._worker.join(30)
        self.announcer.close()
