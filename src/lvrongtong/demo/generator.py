"""Pure generation of the synthetic Chongqing demo dataset (seeded; no I/O besides reading shipped CSVs).

Everything here is synthetic. Distributions are chosen to look plausible, not sourced:
- enterprise size mix: micro 45 %, small 35 %, medium 15 %, large 5 %;
- loan size: log-normal around a median per size class (micro 0.5 m, small 3 m, medium 20 m, large 150 m CNY);
- loan rate: the 1-year LPR in force on the approval date (reference/data/lpr.csv, secondary sources)
  plus a spread drawn by size class; green loans get a slightly lower spread;
- approval dates 2021-01-01 … 2026-10-31, growing over time; balances as at ``AS_OF``.
"""

from __future__ import annotations

import bisect
import csv
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources

from lvrongtong.demo import institutions as inst
from lvrongtong.reference.uscc import CHARSET, make_uscc

VERSION = "2026.2"  # 2026.2: power projects carry annual_generation_mwh; synthetic counterparty data
AS_OF = date(2026, 10, 31)
START = date(2021, 1, 1)
CERF_START = date(2021, 11, 8)  # facts.md §3.1, [V2]


@dataclass
class IndustryInfo:
    code: str
    name: str
    division: str


@dataclass
class Generated:
    organisations: list[dict] = field(default_factory=list)
    enterprises: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    loans: list[dict] = field(default_factory=list)
    bonds: list[dict] = field(default_factory=list)
    logins: list[dict] = field(default_factory=list)


# Division → (sampling weight, name words, green propensity). Division codes are GB/T 4754-2017 divisions.
DIVISIONS: dict[str, tuple[float, list[str], float]] = {
    "01": (3, ["农业", "种植", "生态农业"], 0.08), "03": (2, ["畜牧", "养殖"], 0.05),
    "13": (4, ["食品", "粮油"], 0.03), "14": (2, ["食品", "调味品"], 0.03), "15": (1.5, ["酒业", "饮料"], 0.02),
    "17": (1.5, ["纺织"], 0.03), "22": (1, ["纸业", "包装"], 0.05), "26": (3, ["化工", "新材料"], 0.06),
    "27": (1.5, ["医药", "生物"], 0.02), "29": (2, ["塑胶", "橡胶"], 0.03), "30": (3, ["建材", "水泥"], 0.12),
    "31": (1.5, ["钢铁", "特钢"], 0.12), "32": (1.5, ["铝业", "有色"], 0.1), "33": (3, ["金属制品", "五金"], 0.04),
    "34": (3, ["机械", "装备"], 0.05), "36": (5, ["汽车", "汽配"], 0.1), "38": (3, ["电气", "电池"], 0.2),
    "39": (4, ["电子", "智能"], 0.04), "44": (3, ["电力", "新能源", "能源"], 0.7), "45": (1, ["燃气"], 0.3),
    "46": (1.5, ["水务", "环保水务"], 0.7), "47": (4, ["建设", "建工"], 0.06), "48": (3, ["路桥", "市政"], 0.15),
    "51": (6, ["商贸", "贸易"], 0.01), "52": (5, ["商业", "超市"], 0.01), "54": (3, ["运输", "公交"], 0.3),
    "58": (2, ["物流", "仓储"], 0.05), "59": (1.5, ["仓储", "供应链"], 0.04), "61": (1.5, ["酒店"], 0.01),
    "62": (2, ["餐饮"], 0.01), "65": (3, ["科技", "信息"], 0.02), "70": (3, ["置业", "地产"], 0.05),
    "72": (2, ["商务", "咨询"], 0.01), "77": (1.5, ["环境", "生态"], 0.85), "78": (1.5, ["城市建设", "公用"], 0.3),
}
SIZE_MIX = [("micro", 0.45), ("small", 0.35), ("medium", 0.15), ("large", 0.05)]
SIZE_MEDIAN_CNY = {"micro": 5e5, "small": 3e6, "medium": 2e7, "large": 1.5e8}
SIZE_LOAN_WEIGHT = {"micro": 1.0, "small": 2.0, "medium": 6.0, "large": 18.0}
SIZE_SPREAD = {"micro": (1.2, 0.6), "small": (0.8, 0.5), "medium": (0.4, 0.4), "large": (0.0, 0.3)}
WORDS = ["恒", "鑫", "润", "嘉", "宏", "盛", "瑞", "达", "源", "华", "泰", "丰", "安", "兴", "聚", "博", "远",
         "康", "信", "佳", "鼎", "凯", "融", "智", "翔", "晟", "尚", "秀", "峰", "川", "渝", "巴", "江", "山"]

# Project templates: (kind, class-name keyword, division, name pattern, description pattern, capacity generator)
PROJECT_KINDS = [
    ("pv", "太阳能", "44", "{place}{n}MW分布式光伏发电项目",
     "利用工业厂房屋顶建设装机容量{n}MW的分布式光伏电站，年均发电量约{gen}万千瓦时，采用自发自用、余电上网模式。",
     lambda r: {"installed_capacity_mw": r.choice([2, 5, 8, 12, 20, 30, 50])}),
    ("wind", "风力", "44", "{place}{n}MW风电场项目",
     "在{place}山地建设装机容量{n}MW的风电场，配套建设升压站及集电线路，年上网电量约{gen}万千瓦时。",
     lambda r: {"installed_capacity_mw": r.choice([30, 50, 100, 150])}),
    ("hydro", "水力", "44", "{place}{n}MW小水电站增效扩容改造项目",
     "对既有小水电站进行增效扩容改造，更换高效水轮发电机组，改造后装机容量{n}MW，并落实生态流量泄放。",
     lambda r: {"installed_capacity_mw": r.choice([2, 5, 10, 20])}),
    ("biomass", "生物质", "44", "{place}{n}MW农林生物质发电项目",
     "以秸秆、林业剩余物为燃料建设{n}MW生物质直燃发电机组，配套烟气超低排放治理设施。",
     lambda r: {"installed_capacity_mw": r.choice([15, 30])}),
    ("wastewater", "污水", "46", "{place}污水处理厂提标扩建项目（{n}万吨/日）",
     "新建及改造污水处理设施，处理规模{n}万吨/日，出水执行一级A标准，配套污泥无害化处置。",
     lambda r: {"treatment_capacity_kt_per_day": r.choice([1, 2, 5, 10, 20])}),
    ("bus", "公共电汽车", "54", "{place}新能源公交车购置项目（{n}辆）",
     "购置纯电动公交车{n}辆，替换柴油公交车，并建设配套充电桩及智能调度系统。",
     lambda r: {"vehicles": r.choice([50, 100, 200, 300])}),
    ("building", "房屋建筑", "47", "{place}超低能耗建筑示范项目（{n}万平方米）",
     "建设总建筑面积{n}万平方米的超低能耗公共建筑，采用高性能围护结构、地源热泵及屋顶光伏。",
     lambda r: {"floor_area_10k_m2": r.choice([2, 5, 8, 12])}),
    ("retrofit", "水泥", "30", "{place}水泥熟料生产线节能技改项目",
     "对日产{n}吨熟料生产线实施余热发电、高效篦冷机和变频改造，降低单位熟料综合能耗。",
     lambda r: {"clinker_capacity_t_per_day": r.choice([2500, 4500, 5000])}),
    ("gas", "燃气", "45", "{place}燃煤锅炉天然气替代项目",
     "将{n}台燃煤工业锅炉改造为天然气锅炉，配套建设天然气输配管网及低氮燃烧设施。",
     lambda r: {"boilers": r.choice([2, 3, 4, 6])}),
    ("landfill_gas", "环境卫生", "78", "{place}垃圾填埋场沼气收集利用项目",
     "建设填埋气收集系统和{n}MW沼气发电机组，回收利用甲烷，减少温室气体排放。",
     lambda r: {"installed_capacity_mw": r.choice([1, 2, 4])}),
    ("expansion", "", "36", "{place}汽车零部件生产线扩建项目",
     "新增{n}条自动化零部件生产线及配套厂房，扩大产能以满足整车配套需求。",
     lambda r: {"production_lines": r.choice([1, 2, 3])}),
    ("logistics", "", "59", "{place}智慧物流园区建设项目",
     "建设仓储面积{n}万平方米的物流园区，包括立体仓库、分拣中心和配套道路。",
     lambda r: {"floor_area_10k_m2": r.choice([3, 5, 10])}),
    ("real_estate", "", "70", "{place}商业综合体开发项目",
     "开发建设总建筑面积{n}万平方米的商业综合体，含购物中心、写字楼及地下车库。",
     lambda r: {"floor_area_10k_m2": r.choice([10, 20, 30])}),
]
GREEN_KINDS = {"pv", "wind", "hydro", "biomass", "wastewater", "bus", "building", "retrofit", "gas", "landfill_gas"}
CERF_KINDS = {"pv", "wind", "hydro", "biomass", "building", "retrofit"}


def load_lpr() -> list[tuple[date, Decimal]]:
    text = resources.files("lvrongtong.reference").joinpath("data", "lpr.csv").read_text("utf-8")
    return [(date.fromisoformat(r["effective_on"]), Decimal(r["lpr_1y_pct"])) for r in csv.DictReader(text.splitlines())]


def lpr_on(table: list[tuple[date, Decimal]], day: date) -> Decimal:
    i = bisect.bisect_right([d for d, _ in table], day) - 1
    return table[max(i, 0)][1]


def _uscc(rnd: random.Random, region: str, category: str, used: set[str]) -> str:
    while True:
        body = "".join(rnd.choice(CHARSET) for _ in range(8))
        code = make_uscc("9", category, region, body)
        if code not in used:
            used.add(code)
            return code


def _weighted(rnd: random.Random, items: list, weights: list[float], k: int) -> list:
    return rnd.choices(items, weights=weights, k=k)


def _approval_date(rnd: random.Random) -> date:
    span = (AS_OF - START).days
    # growth over time: density ∝ 1 + 1.5·t on [0, 1]; CDF F(t) = (t + 0.75·t²) / 1.75, inverted
    u = rnd.random()
    t = (-1 + math.sqrt(1 + 5.25 * u)) / 1.5
    return START + timedelta(days=int(min(1.0, t) * span))


def generate(seed: int, regions: list[tuple[str, str]], classes: list[IndustryInfo], *, enterprises: int = 10_000,
             loans: int = 100_000, projects: int = 4_000, bonds: int = 300) -> Generated:
    """regions: (code, name) of the 38 districts/counties; classes: GB/T 4754 classes from the reference table."""
    rnd = random.Random(seed)
    out = Generated()
    used: set[str] = set()
    by_division: dict[str, list[IndustryInfo]] = {}
    for c in classes:
        by_division.setdefault(c.division, []).append(c)
    divisions = [d for d in DIVISIONS if d in by_division]
    _organisations(rnd, out, regions, used)
    _enterprises(rnd, out, regions, by_division, divisions, used, enterprises)
    _projects(rnd, out, regions, by_division, projects)
    _loans(rnd, out, loans)
    _bonds(rnd, out, bonds)
    return out


def _organisations(rnd, out: Generated, regions, used) -> None:
    region_names = dict(regions)

    def add(type_: str, name: str, subtype: str, region: str = "500103", weight: float = 0.0, category: str = "1"):
        out.organisations.append({"id": len(out.organisations) + 1, "type": type_, "subtype": subtype, "name": name,
                                  "uscc": _uscc(rnd, region, category, used), "region_code": region,
                                  "weight": weight})

    for name, sub in inst.REGULATORS:
        add("regulator", name, sub, "500103")
    for name, sub, w in inst.BANKS:
        add("bank", name, sub, rnd.choice(["500103", "500105", "500112"]), w)
    for code in inst.VILLAGE_BANK_DISTRICTS:
        short = region_names[code].replace("土家族自治县", "").rstrip("区县")
        add("bank", f"重庆{short}示例村镇银行", "village_bank", code, 0.3)
    for name, sub in inst.INSURERS:
        add("insurer", name, sub, "500103")
    for name, sub in inst.SECURITIES:
        add("securities_fund", name, sub, "500105")
    for name, sub in inst.GOVERNMENT:
        add("government", name, sub, "500103")
    for name, sub in inst.VERIFIERS:
        add("verifier", name, sub, "500112")


def _enterprises(rnd, out: Generated, regions, by_division, divisions, used, n: int) -> None:
    weights = [DIVISIONS[d][0] for d in divisions]
    # main urban districts get more firms
    region_weights = [3.0 if code in {"500103", "500105", "500106", "500107", "500108", "500112", "500113"} else
                      1.5 if code.startswith("5001") else 0.8 for code, _ in regions]
    names: set[str] = set()
    sizes = [s for s, _ in SIZE_MIX]
    size_w = [w for _, w in SIZE_MIX]
    for i in range(n):
        division = _weighted(rnd, divisions, weights, 1)[0]
        cls = rnd.choice(by_division[division])
        region, region_name = _weighted(rnd, regions, region_weights, 1)[0]
        size = _weighted(rnd, sizes, size_w, 1)[0]
        short = region_name.replace("土家族苗族自治县", "").replace("苗族土家族自治县", "").replace("土家族自治县", "")
        short = short.rstrip("区县") or short
        while True:
            name = (f"重庆{short}{rnd.choice(WORDS)}{rnd.choice(WORDS)}{rnd.choice(DIVISIONS[division][1])}"
                    f"{'股份' if size == 'large' and rnd.random() < 0.5 else ''}有限公司")
            if name not in names:
                names.add(name)
                break
        heavy = division in {"26", "30", "31", "32", "44"} and size in {"large", "medium"}
        out.enterprises.append({
            "id": i + 1, "uscc": _uscc(rnd, region, "1", used), "name": name, "region_code": region,
            "industry_code": cls.code, "size_class": size,
            "listed": size == "large" and rnd.random() < 0.25,
            "ets_covered": heavy and rnd.random() < 0.3,
            "registered_capital_cny": Decimal(int(SIZE_MEDIAN_CNY[size] * rnd.uniform(0.5, 3) / 10000) * 10000),
            "division": division,
        })


def _projects(rnd, out: Generated, regions, by_division, n: int) -> None:
    region_names = dict(regions)
    by_div_ent: dict[str, list[dict]] = {}
    for e in out.enterprises:
        if e["size_class"] != "micro":
            by_div_ent.setdefault(e["division"], []).append(e)
    kinds = [k for k in PROJECT_KINDS if k[2] in by_div_ent]
    kind_w = [4 if k[0] in {"pv", "expansion", "logistics"} else 2 for k in kinds]
    codes: dict[int, int] = {}
    for i in range(n):
        kind, keyword, division, name_pat, desc_pat, cap = _weighted(rnd, kinds, kind_w, 1)[0]
        owner = rnd.choice(by_div_ent[division])
        capacity = cap(rnd)
        size_n = next(iter(capacity.values()))
        gen = int(size_n * rnd.uniform(900, 1300) / 10) if kind in {"pv", "wind"} else 0
        if gen:  # synthetic annual generation (万kWh in the description, MWh as data for the benefit method)
            capacity["annual_generation_mwh"] = gen * 10
        place = region_names[owner["region_code"]]
        matching = [c for c in by_division[division] if keyword and keyword in c.name]
        industry = (matching[0] if matching else rnd.choice(by_division[division])).code
        approved = _approval_date(rnd) - timedelta(days=rnd.randint(30, 240))
        starts = approved + timedelta(days=rnd.randint(15, 120))
        codes[owner["id"]] = codes.get(owner["id"], 0) + 1
        investment = Decimal(int(max(size_n, 1) * rnd.uniform(3e6, 8e6) / 10000) * 10000)
        out.projects.append({
            "id": i + 1, "code": f"P{owner['uscc']}-{codes[owner['id']]:03d}",
            "name": name_pat.format(place=place, n=size_n), "enterprise_id": owner["id"],
            "region_code": owner["region_code"], "address": f"{place}{rnd.choice(WORDS)}{rnd.choice(WORDS)}路{rnd.randint(1, 300)}号",
            "industry_code": industry, "total_investment_cny": investment, "capacity": capacity,
            "description_zh": desc_pat.format(place=place, n=size_n, gen=gen), "approved_on": approved,
            "starts_on": starts, "ends_on": starts + timedelta(days=rnd.randint(180, 900)),
            "kind": kind,
        })


def _loans(rnd, out: Generated, n: int) -> None:
    lpr = load_lpr()
    banks = [o for o in out.organisations if o["type"] == "bank"]
    big_banks = [b for b in banks if b["subtype"] != "village_bank"]
    village = {b["region_code"]: b for b in banks if b["subtype"] == "village_bank"}
    ents = out.enterprises
    ent_w = [SIZE_LOAN_WEIGHT[e["size_class"]] for e in ents]
    projects_by_ent: dict[int, list[dict]] = {}
    for p in out.projects:
        projects_by_ent.setdefault(p["enterprise_id"], []).append(p)
    bank_w = [b["weight"] for b in big_banks]
    picks = rnd.choices(ents, weights=ent_w, k=n)
    contract_seq: dict[int, int] = {}
    for i, ent in enumerate(picks):
        size = ent["size_class"]
        bank = village[ent["region_code"]] if ent["region_code"] in village and size in {"micro", "small"} \
            and rnd.random() < 0.3 else _weighted(rnd, big_banks, bank_w, 1)[0]
        project = None
        if ent["id"] in projects_by_ent and rnd.random() < 0.35:
            project = rnd.choice(projects_by_ent[ent["id"]])
        approved = _approval_date(rnd)
        if project is not None and approved < project["approved_on"]:
            approved = project["approved_on"] + timedelta(days=rnd.randint(10, 90))
            approved = min(approved, AS_OF)
        green = (project is not None and project["kind"] in GREEN_KINDS) or rnd.random() < DIVISIONS[ent["division"]][2] * 0.3
        transition = not green and ent["division"] in {"26", "30", "31", "32"} and rnd.random() < 0.15
        amount = Decimal(int(SIZE_MEDIAN_CNY[size] * math.exp(rnd.gauss(0, 0.8)) / 1000) * 1000 + 10000)
        term_years = rnd.choice([1, 1, 1, 2, 3]) if project is None else rnd.choice([5, 8, 10, 12, 15])
        disbursed = approved + timedelta(days=rnd.randint(0, 30))
        if disbursed > AS_OF:
            disbursed = None  # approved, not yet drawn
        start = disbursed or approved
        matures = start + timedelta(days=365 * term_years + rnd.randint(0, 10))
        balance = _balance(amount, disbursed, matures, project is not None)
        mean, sd = SIZE_SPREAD[size]
        spread = max(-0.8, rnd.gauss(mean - (0.25 if green else 0), sd))
        rate = (lpr_on(lpr, approved) + Decimal(str(round(spread, 2)))).quantize(Decimal("0.01"))
        cerf = green and project is not None and project["kind"] in CERF_KINDS and approved >= CERF_START \
            and bank["subtype"] in {"policy_bank", "large_state_owned", "joint_stock"} and rnd.random() < 0.5
        if cerf:
            rate = min(rate, lpr_on(lpr, approved))  # CERF loans priced at about the LPR (facts.md §3.1)
        contract_seq[bank["id"]] = contract_seq.get(bank["id"], 0) + 1
        out.loans.append({
            "id": i + 1, "reference": f"{approved.year}{bank['id']:03d}{contract_seq[bank['id']]:07d}",
            "holder_org_id": bank["id"], "counterparty_enterprise_id": ent["id"],
            "project_id": project["id"] if project else None, "currency": "CNY", "amount_cny": amount,
            "balance_cny": balance, "rate_pct": rate,
            "region_code": project["region_code"] if project else ent["region_code"],
            "industry_code": project["industry_code"] if project else ent["industry_code"],
            "declared_green": green, "declared_transition": transition,
            "purpose": project["name"] if project else rnd.choice(["流动资金周转", "采购原材料", "设备购置", "经营周转",
                                                                    "厂房改造"]),
            "approved_on": approved, "disbursed_on": disbursed, "matures_on": matures,
            "collateral": rnd.choice(["信用", "保证", "抵押", "质押"]), "carbon_reduction_tool": cerf,
        })


def _balance(amount: Decimal, disbursed: date | None, matures: date, amortising: bool) -> Decimal:
    if disbursed is None or matures <= AS_OF:
        return Decimal("0.00") if disbursed is not None else amount
    if not amortising:
        return amount
    elapsed = (AS_OF - disbursed).days / max(1, (matures - disbursed).days)
    return (amount * Decimal(str(round(1 - elapsed, 4)))).quantize(Decimal("0.01"))


def _bonds(rnd, out: Generated, n: int) -> None:
    lpr = load_lpr()
    holders = [o for o in out.organisations if o["type"] in {"bank", "securities_fund", "insurer"}
               and o.get("subtype") != "village_bank"]
    issuers = [e for e in out.enterprises if e["size_class"] == "large"]
    if not issuers:
        return
    seq = 0
    for i in range(n):
        issuer = rnd.choice(issuers)
        holder = rnd.choice(holders)
        registered = _approval_date(rnd)
        issued = registered + timedelta(days=rnd.randint(5, 60))
        issued = min(issued, AS_OF)
        term = rnd.choice([3, 5, 7])
        amount = Decimal(rnd.choice([1, 2, 3, 5, 10]) * 100_000_000)
        green = DIVISIONS[issuer["division"]][2] > 0.3 and rnd.random() < 0.7
        seq += 1
        out.bonds.append({
            "id": i + 1, "reference": f"{registered.year % 100:02d}{seq:06d}.IB",
            "holder_org_id": holder["id"], "counterparty_enterprise_id": issuer["id"], "project_id": None,
            "currency": "CNY", "amount_cny": amount, "balance_cny": amount,
            "rate_pct": (lpr_on(lpr, registered) - Decimal("0.6") + Decimal(str(round(rnd.uniform(0, 1.2), 2)))),
            "region_code": issuer["region_code"], "industry_code": issuer["industry_code"],
            "declared_green": green, "declared_transition": False,
            "bond_type": rnd.choice(["中期票据", "公司债", "企业债"]) if not green else "绿色债券",
            "registered_on": registered, "issued_on": issued,
            "matures_on": issued + timedelta(days=365 * term),
        })


# Synthetic emission intensity of a counterparty, tCO2e per million CNY of balance sheet (equity + debt), by
# division. Made-up demo numbers so that financed-emissions pages have something to show: NOT statistics.
DEMO_INTENSITY = {"44": 900.0, "30": 700.0, "31": 650.0, "32": 500.0, "26": 350.0, "25": 400.0}
DEMO_SOURCE = "合成演示数据（非统计值）/ synthetic demo data, not a statistic"


def counterparty_years(seed: int, enterprises: list[dict], year: int) -> list[dict]:
    """Per enterprise (85 % of them): synthetic scope 1+2 emissions, balance sheet and PCAF option for ``year``."""
    rnd = random.Random(seed * 7 + year)
    rows = []
    for e in enterprises:
        if rnd.random() >= 0.85:
            continue  # no data: shows up as missing coverage, never estimated
        capital = float(e["registered_capital_cny"])
        equity = capital * rnd.uniform(1.2, 4.0) * (-0.2 if rnd.random() < 0.01 else 1.0)
        debt = capital * rnd.uniform(0.5, 3.5)
        size_m = (max(equity, 0) + debt) / 1e6
        intensity = DEMO_INTENSITY.get(e["division"], 40.0) * rnd.uniform(0.4, 1.6)
        if e["ets_covered"] or (e["listed"] and rnd.random() < 0.6):
            option = "1a" if e["ets_covered"] or rnd.random() < 0.5 else "1b"
        else:
            option = rnd.choice(["2a", "2b", "3a", "3a", "3b"])
        rows.append({
            "enterprise_id": e["id"], "year": year, "emissions_scope12_t": Decimal(str(round(size_m * intensity, 2))),
            "data_option": option, "total_equity_cny": Decimal(str(round(equity, 2))),
            "total_debt_cny": Decimal(str(round(debt, 2))),
            "evic_cny": Decimal(str(round(max(equity, 0) * rnd.uniform(1.5, 4.0) + debt, 2))) if e["listed"] else None,
            "revenue_cny": Decimal(str(round(capital * rnd.uniform(0.8, 5.0), 2))), "source": DEMO_SOURCE,
        })
    return rows
