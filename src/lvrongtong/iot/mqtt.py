"""The MQTT ingester: subscribe with QoS 1, store a batch, commit, and only then acknowledge.

Topic: ``<mqtt_topic_prefix>/<identifier prefix>/<identifier suffix>/readings`` (the device identifier
``<prefix>/<suffix>`` spans two topic levels). Payload: ``{"key": secret, "readings": [{"t", "v", "unit"}]}``
(docs/operations.md).

Delivery guarantee: the client uses MQTT 5 with a persistent session (fixed client id,
``clean_start=False``, session expiry) and paho-mqtt 2's ``manual_ack``. A message is acknowledged
(PUBACK, in the order received) only after the transaction holding its readings has committed. If the
process dies before that, the broker redelivers the message to the next ingester with the same client
id; the unique (device, measured_at) constraint turns the redelivery into a no-op. So every reading
the ingester acknowledged is stored exactly once.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from dataclasses import dataclass, field

from lvrongtong.iot.ingest import DeviceCache, IngestResult, ingest
from lvrongtong.kit.runtime import Runtime

log = logging.getLogger("lvrongtong.iot.mqtt")


@dataclass
class IngesterStats:
    messages: int = 0
    batches: int = 0
    result: IngestResult = field(default_factory=IngestResult)


def envelope_from(topic: str, payload: bytes, prefix: str) -> dict:
    """The device identifier comes from the topic; the key and readings from the JSON payload."""
    rest = topic[len(prefix) + 1:] if topic.startswith(prefix + "/") else ""
    parts = rest.split("/")
    if len(parts) != 3 or parts[2] != "readings":
        return {"device": topic[:160], "malformed": "topic", "readings": None}
    device = f"{parts[0]}/{parts[1]}"
    try:
        body = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {"device": device, "malformed": "payload is not JSON", "raw": payload[:500].decode("utf-8", "replace")}
    if not isinstance(body, dict):
        return {"device": device, "malformed": "payload is not a JSON object"}
    return {"device": device, "key": body.get("key"), "readings": body.get("readings")}


class Ingester:
    def __init__(self, runtime: Runtime, *, host: str, port: int, prefix: str, client_id: str,
                 username: str | None = None, password: str | None = None, batch_size: int = 500,
                 flush_seconds: float = 0.2, clean_start: bool = False, receive_maximum: int = 1000):
        import paho.mqtt.client as mqtt
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        self.runtime, self.prefix = runtime, prefix.rstrip("/")
        self.batch_size, self.flush_seconds = batch_size, flush_seconds
        self.inbox: queue.Queue = queue.Queue()
        self.stats = IngesterStats()
        self.cache = DeviceCache()
        self.subscribed = threading.Event()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5,
                                  manual_ack=True)
        if username:
            self.client.username_pw_set(username, password)
        self.client.on_connect = self._on_connect
        self.client.on_message = lambda _c, _u, msg: self.inbox.put((msg.mid, msg.qos, msg.topic, msg.payload))
        self.client.on_subscribe = lambda *_a: self.subscribed.set()
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 0 if clean_start else 7 * 24 * 3600
        props.ReceiveMaximum = receive_maximum  # unacknowledged QoS 1 messages the broker may send at once
        self._connect = (host, port, clean_start, props)

    def _on_connect(self, client, _userdata, _flags, reason_code, _props):
        if reason_code.is_failure:
            log.error("MQTT connect refused: %s", reason_code)
            return
        client.subscribe(f"{self.prefix}/+/+/readings", qos=1)

    def start(self) -> None:
        host, port, clean_start, props = self._connect
        self.client.connect(host, port, keepalive=30, clean_start=clean_start, properties=props)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def _take(self, deadline: float) -> list:
        batch: list = []
        while len(batch) < self.batch_size:
            timeout = deadline - time.monotonic()
            if timeout <= 0 and batch:
                break
            try:
                item = self.inbox.get(timeout=max(timeout, 0.01) if not batch else max(timeout, 0))
            except queue.Empty:
                if batch or time.monotonic() >= deadline:
                    break
                continue
            batch.append(item)
        return batch

    def flush_once(self, wait: float) -> int:
        """Take what arrived (up to ``batch_size`` messages or ``wait`` seconds), store, commit, acknowledge."""
        batch = self._take(time.monotonic() + wait)
        if not batch:
            return 0
        envelopes = [envelope_from(topic, payload, self.prefix) for _mid, _qos, topic, payload in batch]
        with self.runtime.transaction() as session:
            result = ingest(session, envelopes, "mqtt", self.cache)
        for mid, qos, _topic, _payload in batch:  # after the commit, in the order received
            if qos > 0:
                self.client.ack(mid, qos)
        self.stats.messages += len(batch)
        self.stats.batches += 1
        self.stats.result.add(result)
        return len(batch)

    def run(self, stop: threading.Event | None = None, max_seconds: float | None = None) -> IngesterStats:
        self.start()
        ends = None if max_seconds is None else time.monotonic() + max_seconds
        try:
            while not (stop is not None and stop.is_set()) and (ends is None or time.monotonic() < ends):
                self.flush_once(self.flush_seconds)
            while self.flush_once(0):  # drain what already arrived
                pass
        finally:
            self.stop()
        return self.stats
