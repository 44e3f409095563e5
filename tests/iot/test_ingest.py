"""Device ingestion over HTTP on real SQLite and PostgreSQL: duplicates, late readings, quarantine, status, roll-up."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from lvrongtong.accounts import service as accounts
from lvrongtong.iot import service, status
from lvrongtong.iot.models import QuarantinedReading, Reading
from lvrongtong.kit.errors import ValidationFailed
from lvrongtong.kit.principal import CLI


@pytest.fixture
def meter(rt, world):
    with rt.transaction() as s:
        accounts.open_account(s, CLI, world.ent_uscc)
        device, key = service.register_device(s, CLI, world.ent_uscc, "EM-0001", "electricity", site="一号厂房")
        return device.identifier, key


def _r(t: datetime, v, unit=None):
    out = {"t": t.isoformat(), "v": v}
    if unit:
        out["unit"] = unit
    return out


def test_identifier_form_and_hashed_credential(rt, world, meter):
    identifier, key = meter
    assert identifier.startswith("LVRT.") and identifier.endswith("/EM-0001") and world.ent_uscc in identifier
    from lvrongtong.iot.models import Device

    with rt.transaction() as s:
        d = s.scalar(select(Device).where(Device.identifier == identifier))
        assert key not in (d.credential_sha256, d.credential_prefix + "x") and len(d.credential_sha256) == 64
        with pytest.raises(ValidationFailed):
            service.register_device(s, CLI, world.ent_uscc, "bad/suffix", "plutonium")


def test_http_batch_duplicates_late_and_quarantine(client, rt, meter):
    identifier, key = meter
    t0 = datetime(2024, 3, 1, 0, 15, tzinfo=UTC)
    batch = [_r(t0 + timedelta(minutes=15 * i), 10 + i, "kWh") for i in range(4)]
    r = client.post("/api/v1/iot/readings", json={"devices": [{"device": identifier, "key": key, "readings": batch}]})
    assert r.json() == {"received": 4, "stored": 4, "duplicates": 0, "quarantined": {}, "quarantined_total": 0}
    future = datetime.now(UTC) + timedelta(hours=2)
    again = [batch[1], _r(t0 - timedelta(minutes=15), 7),  # a duplicate, a late (out-of-order) reading
             _r(t0 + timedelta(hours=5), -3), _r(t0 + timedelta(hours=6), 4, "MWh"), _r(future, 1),
             {"t": "2024-03-01T10:00:00", "v": 1}, _r(t0 + timedelta(hours=7), "abc")]
    r = client.post("/api/v1/iot/readings", json={"devices": [
        {"device": identifier, "key": key, "readings": again},
        {"device": identifier, "key": "lvd_wrong", "readings": [_r(t0 + timedelta(hours=9), 1)]},
        {"device": "LVRT.NOBODY/X", "key": key, "readings": [_r(t0, 1)]}]}).json()
    assert r["received"] == 9 and r["stored"] == 1 and r["duplicates"] == 1
    assert r["quarantined"] == {"negative_value": 1, "unit_mismatch": 1, "future_timestamp": 1,
                                "timestamp_invalid": 1, "value_invalid": 1, "bad_credential": 1, "unknown_device": 1}
    assert r["received"] == r["stored"] + r["duplicates"] + r["quarantined_total"]  # nothing lost
    with rt.transaction() as s:
        times = s.scalars(select(Reading.measured_at).order_by(Reading.measured_at)).all()
        assert times[0] == t0 - timedelta(minutes=15) and len(times) == 5  # the late one, in its place
        reasons = dict(s.execute(select(QuarantinedReading.reason, func.count()).group_by(QuarantinedReading.reason)).all())
        assert reasons["bad_credential"] == 1
        wrong_key = s.scalar(select(QuarantinedReading).where(QuarantinedReading.reason == "bad_credential"))
        assert "lvd_wrong" not in str(wrong_key.payload)


def test_rollup_feeds_the_account_by_month(client, rt, world, meter):
    identifier, key = meter
    # 2024-01-31 16:00Z is 2024-02-01 00:00 in China: it closes January's last interval
    readings = [_r(datetime(2024, 1, 31, 16, 0, tzinfo=UTC), 100), _r(datetime(2024, 1, 31, 16, 15, tzinfo=UTC), 50),
                _r(datetime(2024, 2, 10, 4, 0, tzinfo=UTC), 25)]
    client.post("/api/v1/iot/readings", json={"devices": [{"device": identifier, "key": key, "readings": readings}]})
    from datetime import date

    with rt.transaction() as s:
        out = service.rollup(s, CLI, world.ent_uscc, date(2024, 1, 1), date(2024, 12, 31))
        assert out["months_written"] == {identifier: 2}
        service.rollup(s, CLI, world.ent_uscc, date(2024, 1, 1), date(2024, 12, 31))  # again: replaced, not doubled
        view = accounts.view(s, CLI, world.ent_uscc, "2024")
    lines = view["inventory"]["lines"]
    assert [(line["source"], line["quantity"], line["unit"]) for line in lines] == [("device", "175", "kWh")]
    with rt.transaction() as s:
        jan = accounts.view(s, CLI, world.ent_uscc, "2024-01")["inventory"]
        assert jan["lines"][0]["quantity"] == "100"


def test_status_rules():
    now = datetime(2025, 1, 1, 12, tzinfo=UTC)
    assert status.status(None, 900, now, [])[0] == "offline"
    assert status.status(now - timedelta(minutes=20), 900, now, [D(1)] * 3)[0] == "online"
    assert status.status(now - timedelta(hours=2), 900, now, [D(1), D(2)])[0] == "stale"
    assert status.status(now - timedelta(days=2), 900, now, [])[0] == "offline"
    jump = [D(10), D(11), D(9), D(10), D(12), D(80)]
    state, alerts = status.status(now, 900, now, jump)
    assert state == "anomalous" and alerts[0]["code"] == "jump"
    state, alerts = status.status(now, 900, now, [D(7)] * 12)
    assert state == "anomalous" and alerts[0]["code"] == "flat_line"
    assert status.status(now, 900, now, [D(0)] * 12)[0] == "online"  # zero use (a holiday) is not a stuck meter


def test_device_list_shows_status_and_alerts_to_the_owner_only(client, meter, world, as_user):
    identifier, key = meter
    now = datetime.now(UTC).replace(microsecond=0)
    client.post("/api/v1/iot/readings", json={"devices": [{"device": identifier, "key": key, "readings": [
        _r(now - timedelta(minutes=15 * i), 5) for i in range(12)] + [_r(now, -1)]}]})
    listed = client.get(f"/api/v1/iot/enterprises/{world.ent_uscc}/devices", headers=as_user("ent_user")).json()
    d = listed["items"][0]
    assert d["status"] == "anomalous" and {a["code"] for a in d["alerts"]} == {"flat_line", "quarantined"}
    assert client.get(f"/api/v1/iot/enterprises/{world.ent_uscc}/devices",
                      headers=as_user("a_officer")).status_code == 404
