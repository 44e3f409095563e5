"""MQTT ingestion against the real Mosquitto at 127.0.0.1:1883 (LVRONGTONG_TEST_MQTT=host:port to change).

Each test uses its own topic prefix and client ids, so parallel runs do not see each other's messages."""

import json
import os
import socket
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as mqtt
import pytest
from sqlalchemy import func, select

from lvrongtong.iot import service
from lvrongtong.iot.models import QuarantinedReading, Reading
from lvrongtong.iot.mqtt import Ingester
from lvrongtong.kit.principal import CLI

HOST, PORT = os.environ.get("LVRONGTONG_TEST_MQTT", "127.0.0.1:1883").split(":")
PORT = int(PORT)


def _broker_up() -> bool:
    try:
        socket.create_connection((HOST, PORT), timeout=1).close()
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _broker_up() and not os.environ.get("LVRONGTONG_REQUIRE_MQTT"),
                                reason=f"no MQTT broker at {HOST}:{PORT}")


def _publisher(prefix: str) -> mqtt.Client:
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}", protocol=mqtt.MQTTv5)
    c.connect(HOST, PORT)
    c.loop_start()
    return c


def _publish(pub: mqtt.Client, topic: str, body) -> None:
    info = pub.publish(topic, body if isinstance(body, bytes | str) else json.dumps(body), qos=1)
    info.wait_for_publish(5)


def _wait(predicate, seconds=15.0):
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def device(rt, world):
    with rt.transaction() as s:
        d, key = service.register_device(s, CLI, world.ent_uscc, "EM-MQTT", "electricity")
        return d.identifier, key


def _counts(rt):
    with rt.transaction() as s:
        return (s.scalar(select(func.count()).select_from(Reading)),
                s.scalar(select(func.count()).select_from(QuarantinedReading)))


def test_readings_stream_over_mqtt_exactly_once(rt, device):
    identifier, key = device
    prefix = f"lvrongtong-test/{uuid.uuid4().hex[:10]}"
    ingester = Ingester(rt, host=HOST, port=PORT, prefix=prefix, client_id=f"ing-{uuid.uuid4().hex[:8]}",
                        clean_start=True, flush_seconds=0.05)
    stop = threading.Event()
    runner = threading.Thread(target=ingester.run, args=(stop,), daemon=True)
    runner.start()
    assert ingester.subscribed.wait(10)
    pub = _publisher(prefix)
    topic = f"{prefix}/{identifier}/readings"
    t0 = datetime(2024, 5, 1, tzinfo=UTC)
    readings = [{"t": (t0 + timedelta(minutes=15 * i)).isoformat(), "v": 3, "unit": "kWh"} for i in range(50)]
    _publish(pub, topic, {"key": key, "readings": readings[:30]})
    _publish(pub, topic, {"key": key, "readings": readings[20:]})  # 10 overlap: duplicates
    _publish(pub, topic, {"key": key, "readings": [{"t": t0.isoformat(), "v": -1}]})  # negative → quarantined
    _publish(pub, topic, {"key": "lvd_stolen?", "readings": readings[:2]})  # bad credential
    _publish(pub, topic, b"not json")
    _publish(pub, f"{prefix}/LVRT.UNKNOWN/X/readings", {"key": key, "readings": readings[:1]})
    assert _wait(lambda: _counts(rt) == (50, 5)), _counts(rt)
    stop.set()
    runner.join(10)
    pub.loop_stop()
    r = ingester.stats.result
    assert ingester.stats.messages == 6
    assert (r.received, r.stored, r.duplicates) == (65, 50, 10)
    assert r.quarantined == {"negative_value": 1, "bad_credential": 2, "malformed": 1, "unknown_device": 1}
    assert r.received == r.stored + r.duplicates + sum(r.quarantined.values())


def test_unacknowledged_messages_are_redelivered_and_stored_once(rt, device):
    """An ingester that dies before its commit has acknowledged nothing; the broker redelivers to the next
    one with the same client id (persistent session), and the unique key keeps each reading once."""
    identifier, key = device
    prefix = f"lvrongtong-test/{uuid.uuid4().hex[:10]}"
    client_id = f"ing-{uuid.uuid4().hex[:8]}"
    first = Ingester(rt, host=HOST, port=PORT, prefix=prefix, client_id=client_id)
    first.start()
    assert first.subscribed.wait(10)
    pub = _publisher(prefix)
    t0 = datetime(2024, 6, 1, tzinfo=UTC)
    readings = [{"t": (t0 + timedelta(minutes=15 * i)).isoformat(), "v": 1} for i in range(20)]
    _publish(pub, f"{prefix}/{identifier}/readings", {"key": key, "readings": readings})
    assert _wait(lambda: first.inbox.qsize() == 1)
    # crash: the message arrived but was never stored nor acknowledged
    first.client._sock.close() if first.client._sock else None
    first.client.loop_stop()
    second = Ingester(rt, host=HOST, port=PORT, prefix=prefix, client_id=client_id)
    second.start()
    try:
        assert _wait(lambda: second.flush_once(0.2) > 0 or _counts(rt)[0] == 20, 20)
        assert _counts(rt)[0] == 20
    finally:
        second.client.disconnect()
        second.client.loop_stop()
        cleanup = Ingester(rt, host=HOST, port=PORT, prefix=prefix, client_id=client_id, clean_start=True)
        cleanup.start()
        cleanup.stop()  # drop the persistent session on the broker
        pub.loop_stop()
