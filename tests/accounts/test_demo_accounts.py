"""`lvrongtong demo` adds synthetic carbon accounts and simulated meters whose alerts show."""

from sqlalchemy import select

from lvrongtong.accounts import service
from lvrongtong.accounts.models import CarbonAccount
from lvrongtong.demo import service as demo
from lvrongtong.iot import service as iot
from lvrongtong.kit.principal import SYSTEM


def test_demo_builds_rated_synthetic_accounts_and_devices(rt):
    with rt.transaction() as s:
        row = demo.build(s, enterprises=400, loans=1500, projects=100, bonds=10)
    assert row.counts["carbon_accounts"] >= 10 and row.counts["devices"] == 3
    with rt.transaction() as s:
        accounts = s.scalars(select(CarbonAccount)).all()
        assert all(a.synthetic for a in accounts)
        listed = service.visible_accounts(s, SYSTEM)
        views = [service.view(s, SYSTEM, a["uscc"], "2025") for a in listed]
        assert all(v["synthetic"] and v["inventory"]["completeness"]["months_with_data"] == 12 for v in views)
        assert any(v["rating"]["status"] == "rated" for v in views)  # some class reaches the minimum sample
        statuses = [d for a in accounts for d in iot.device_statuses(s, SYSTEM, a.enterprise_id)]
    codes = {alert["code"] for d in statuses for alert in d["alerts"]}
    assert {"flat_line", "jump"} <= codes and len(statuses) == 3
