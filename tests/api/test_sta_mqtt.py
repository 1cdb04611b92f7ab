"""The SensorThings MQTT extension with a real Debian mosquitto broker: an observation
published on ``v1.1/Datastreams(id)/Observations`` is stored, and subscribers of that topic
receive every new observation (created over MQTT or HTTP) as its JSON entity."""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from fastapi.testclient import TestClient
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import Engine

from gis import access
from gis.sensors.mqtt import Bridge
from twin.app import create_app
from twin.settings import Settings

pytestmark = pytest.mark.api
STA = "/sta/v1.1"
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if not Path(MOSQUITTO).exists():
        if os.environ.get("CI"):
            pytest.fail("mosquitto is not installed (apt-get install mosquitto)")
        pytest.skip("mosquitto is not installed")
    port = _free_port()
    config = tmp_path_factory.mktemp("mosquitto") / "mosquitto.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    process = subprocess.Popen([MOSQUITTO, "-c", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(timeout=10)


def _subscriber(port: int, topic: str) -> tuple[mqtt.Client, queue.Queue[dict[str, Any]]]:
    received: queue.Queue[dict[str, Any]] = queue.Queue()
    subscribed = queue.Queue[bool]()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.on_message = lambda c, u, message: received.put(json.loads(message.payload))
    client.on_subscribe = lambda *args: subscribed.put(True)
    client.connect("127.0.0.1", port)
    client.loop_start()
    client.subscribe(topic, qos=1)
    subscribed.get(timeout=5)
    return client, received


def test_create_and_receive_over_mqtt(engine: Engine, database_url: str, broker: int,
                                      tmp_path: Path) -> None:
    with engine.begin() as conn:
        _, staff = access.create_key(conn, "staff", can_write=True, label="mqtt")
    settings = Settings(database_url=database_url, public_url="http://testserver",
                        data_dir=tmp_path, mqtt_host="127.0.0.1", mqtt_port=broker)
    bridge = Bridge(engine, "127.0.0.1", broker, f"http://testserver{STA}")
    bridge.start()
    assert bridge.subscribed.wait(5)
    with TestClient(create_app(settings)) as client:
        body = {"name": f"mqtt-{uuid.uuid4().hex[:6]}", "description": "water level",
                "Locations": [{"name": "bridge", "description": "Dyle",
                               "encodingType": "application/geo+json",
                               "location": {"type": "Point", "coordinates": [4.7, 50.88]}}],
                "Datastreams": [{"name": "level", "description": "cm",
                                 "observationType": "OM_Measurement",
                                 "unitOfMeasurement": {"name": "cm", "symbol": "cm",
                                                       "definition": "ucum:cm"},
                                 "Sensor": {"name": "radar", "description": "radar gauge",
                                            "encodingType": "text/html", "metadata": "-"},
                                 "ObservedProperty": {"name": "water level",
                                                      "definition": "urn:level",
                                                      "description": "level"}}]}
        thing = client.post(f"{STA}/Things", json=body, headers={"X-API-Key": staff}).json()
        stream = client.get(f"{STA}/Things({thing['@iot.id']})/Datastreams").json()["value"][0]
        topic = f"v1.1/Datastreams({stream['@iot.id']})/Observations"
        subscriber, received = _subscriber(broker, topic)
        publisher = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        publisher.connect("127.0.0.1", broker)
        publisher.loop_start()
        publisher.publish(topic, json.dumps({"phenomenonTime": "2026-12-04T08:00:00Z",
                                             "result": 131}), qos=1).wait_for_publish(5)
        announced = received.get(timeout=10)
        while "@iot.id" not in announced:  # the client's own create, relayed by the broker
            announced = received.get(timeout=10)
        assert announced["result"] == 131
        assert announced["phenomenonTime"] == "2026-12-04T08:00:00Z"
        stored = client.get(f"{STA}/Datastreams({stream['@iot.id']})/Observations").json()
        assert [o["result"] for o in stored["value"]] == [131]
        created = client.post(f"{STA}/Datastreams({stream['@iot.id']})/Observations",
                              json={"phenomenonTime": "2026-12-04T09:00:00Z", "result": 135},
                              headers={"X-API-Key": staff})
        assert created.status_code == 201, created.text
        by_http = received.get(timeout=10)
        assert by_http["@iot.id"] == created.json()["@iot.id"]
        assert by_http["result"] == 135
        publisher.loop_stop()
        subscriber.loop_stop()
    bridge.stop()
    assert bridge.stored == 1
