"""Rule layer of the identification engine: catalogue items → keyword index → scored, explained candidates.

Built from the catalogue as loaded (so an imported correction changes identification too):

* keywords of an item: its full name (weight 3), the specific words of its name (jieba, generic words
  such as 制造/建设/运营 dropped; weight 1) and the specific words of its scope text that occur in at
  most three items of the catalogue (weight 0.5); each keyword's weight is multiplied by its inverse
  item frequency so that a word shared by many items counts little;
* industry fit, where the item lists GB/T 4754 classes (2025 catalogue): same class +1.0, same group
  +0.5, same division +0.25, listed classes but none in the division −0.3;
* criteria: a qualifier in the item's name (新能源, 节能, 清洁能源 …) that the text does not contain
  halves the item's score and is reported as a criterion not met;
* activity: manufacturing items (名称以“制造”结尾), trade items (“贸易”) and construction / operation
  items are told apart by cue words in the text (生产线, 批发, 建设, 运营 …); a mismatch multiplies the
  score by 0.6 and is shown as evidence;
* exclusions: coal utilisation was removed from the 2021 bond and 2025 catalogues (shared facts §1.3,
  §1.4) — text about burning or processing coal without a substitution or phase-out word is
  excluded from "green" and, in a transition sector, routed to the transition assessment.

Confidence = 1 − exp(−score / 4): monotone in the score, in [0, 1). It is **not yet calibrated**
against labelled decisions (the evaluation set is the next step); thresholds are the platform's.
"""

from __future__ import annotations

import logging
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

GENERIC = set("""制造 建设 运营 改造 产业 设施 项目 服务 利用 工程 及 和 与 的 等 其他 相关 生产 技术 装备 设备 系统
开发 应用 推广 提升 管理 综合 处理 工业 行业 产品 材料 活动 示范 基础 绿色 升级 新型 先进 高效 节能 环保 用 类
包括 以及 符合 条件 下列 之一 要求 标准 规定 达到 水平 国家 地方 相应 企业 直接 销售 能效 指标 一级 1 级
投资 建成 投放 银行 内容 主要 中心 资金 中国 规模 其中 资产 固定资产 同时 保障 有效 融资 建设项目 贷款 支持
金额 亿元 万元 发放 累计 公司 我国 全国 地区 重点 计划 实施 完成 通过 进一步 推动 加快 推进 促进 实现 目前
方面 领域 部门 单位 能力 服务业 设计 施工""".split())  # the last lines: words of loan / news prose
RULES_VERSION = ENGINE_VERSION = "rules-1"  # the rule layer; the engine adds the model's version
COAL = re.compile(r"燃煤|煤电|火电|煤炭|洁净煤|煤制|煤化工|燃煤电厂|煤矿")
SUBSTITUTION = re.compile(r"替代|改为|改造为|煤改气|煤改电|退出|关停|淘汰|拆除|超低排放改造|脱硫|脱硝|瓦斯|煤层气|矸石")
CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_TEXT = 2000
SCOPE_MAX_ITEMS = 8  # a scope-text word shared by more items than this says too little to be a keyword
# Qualifiers in an item's name that are part of its criteria: an item "新能源汽车…" is not met by a text
# about cars that never says 新能源. An unmet qualifier halves the item's score and is shown as evidence.
QUALIFIERS = ("新能源", "可再生", "清洁能源", "超低能耗", "近零能耗", "零碳", "低碳", "节能", "节水", "绿色", "高效",
              "循环", "再生", "资源化", "生态", "有机", "氢能", "储能", "碳捕集")

ACTIVITY_CUES = {"manufacture": re.compile(r"制造|生产线|产能|工厂|组装|研发生产"),
                 "trade": re.compile(r"贸易|批发|零售|进出口|经销"),
                 "operate": re.compile(r"建设|运营|电站|电场|发电|改造|项目|工程|设施|购置|收集|处理")}


def activity_of_item(name: str) -> str:
    return "manufacture" if name.endswith("制造") else "trade" if name.endswith("贸易") else "operate"


def activities_in(text: str) -> set[str]:
    """What the text says is being done; several cues may apply."""
    return {kind for kind, cue in ACTIVITY_CUES.items() if cue.search(text)}


@dataclass(frozen=True)
class IndexedItem:
    code: str
    name: str
    level1_code: str
    level1_name: str
    classes: frozenset[str]
    qualifiers: tuple[str, ...] = ()
    activity: str = "operate"
    groups: frozenset[str] = frozenset()
    divisions: frozenset[str] = frozenset()

    @classmethod
    def of(cls, code: str, name: str, level1_code: str, level1_name: str, classes: frozenset[str]) -> IndexedItem:
        return cls(code, name, level1_code, level1_name, classes, tuple(q for q in QUALIFIERS if q in name),
                   activity_of_item(name), frozenset(c[:3] for c in classes), frozenset(c[:2] for c in classes))


@dataclass
class Candidate:
    item: IndexedItem
    score: float = 0.0
    phrases: list[str] = field(default_factory=list)
    industry_fit: str = "not_given"
    unmet: list[str] = field(default_factory=list)
    activity_mismatch: bool = False

    @property
    def confidence(self) -> float:
        return 1.0 - math.exp(-max(self.score, 0.0) / 4.0)


def _words(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [w for w in jieba.lcut(text, HMM=False) if len(w) >= 2 and w not in GENERIC and CJK.search(w)]


class RuleIndex:
    """Keyword → [(item, weight)] for one catalogue version; leaves only (the most specific level)."""

    def __init__(self, version: str, items: list[dict]):
        self.version = version
        by_code = {i["code"]: i for i in items}
        deepest = max(i["level"] for i in items)
        leaves = [i for i in items if i["level"] == deepest]
        self.items: dict[str, IndexedItem] = {}
        postings: dict[str, dict[str, float]] = defaultdict(dict)
        scope_words = {i["code"]: set(_words(i.get("scope_zh") or "")) for i in leaves}
        doc_freq: dict[str, int] = defaultdict(int)
        for words in scope_words.values():
            for w in words:
                doc_freq[w] += 1
        for i in leaves:
            top = by_code.get(i["code"].split(".")[0], i)
            self.items[i["code"]] = IndexedItem.of(i["code"], i["name_zh"], top["code"], top["name_zh"],
                                                   frozenset(c["code"] for c in i.get("industry_classes") or []))
            if not i["name_zh"] or i["name_zh"].startswith("（"):
                continue  # a name missing in the source gives no keyword
            postings[i["name_zh"]][i["code"]] = 3.0
            for w in _words(i["name_zh"]):
                postings[w][i["code"]] = max(postings[w].get(i["code"], 0.0), 1.0)
            for w in scope_words[i["code"]]:
                if doc_freq[w] <= SCOPE_MAX_ITEMS:
                    postings[w].setdefault(i["code"], 0.7)
        n = max(len(leaves), 1)
        self.postings = {kw: {code: weight * math.log(1 + n / len(items_)) for code, weight in items_.items()}
                         for kw, items_ in postings.items()}
        lengths: dict[str, set[int]] = defaultdict(set)
        for kw in self.postings:
            lengths[kw[:2]].add(len(kw))
        self.lengths_by_prefix = {prefix: tuple(sorted(ls)) for prefix, ls in lengths.items()}

    def match(self, text: str) -> dict[str, list[str]]:
        """Keywords found in the text, by item: at each position only the keyword lengths that start with
        the two characters there are tried."""
        found: dict[str, list[str]] = defaultdict(list)
        seen = set()
        postings, by_prefix = self.postings, self.lengths_by_prefix
        for start in range(len(text) - 1):
            lengths = by_prefix.get(text[start:start + 2])
            if not lengths:
                continue
            for length in lengths:
                kw = text[start:start + length]
                if len(kw) == length and kw in postings and kw not in seen:
                    seen.add(kw)
                    for code in postings[kw]:
                        found[code].append(kw)
        return found


def industry_fit(item: IndexedItem, code: str | None) -> tuple[str, float]:
    if not code:
        return "not_given", 0.0
    if not item.classes:
        return "not_listed", 0.0
    if code in item.classes:
        return "same_class", 1.0
    if code[:3] in item.groups:
        return "same_group", 0.5
    if code[:2] in item.divisions:
        return "same_division", 0.25
    return "no_fit", -0.3


def candidates(index: RuleIndex, text: str, industry_code: str | None, limit: int = 5) -> list[Candidate]:
    out = []
    activities = activities_in(text)
    postings = index.postings
    for code, phrases in index.match(text).items():
        out.append(assess(index.items[code], text, industry_code, activities, phrases,
                          sum(postings[p][code] for p in phrases)))
    out.sort(key=lambda c: (-c.score, c.item.code))
    for c in out[:min(limit, 5)]:  # the ones shown; the engine sorts any other it shows
        c.phrases = sorted(c.phrases, key=len, reverse=True)
    return out[:limit]


def assess(item: IndexedItem, text: str, industry_code: str | None, activities: set[str],
           phrases: list[str] | None = None, score: float = 0.0) -> Candidate:
    """The criteria, activity and industry evidence of one item for a text, and its rule score."""
    c = Candidate(item, score=score, phrases=phrases or [])
    c.unmet = [q for q in item.qualifiers if q not in text]
    if c.unmet:
        c.score *= 0.5
    c.activity_mismatch = bool(activities) and item.activity not in activities
    if c.activity_mismatch:
        c.score *= 0.6
    c.industry_fit, bonus = industry_fit(item, industry_code)
    c.score += bonus
    return c


def coal_exclusion(text: str) -> str | None:
    """The coal words found when the text is about using coal rather than replacing or phasing it out."""
    hits = COAL.findall(text)
    if hits and not SUBSTITUTION.search(text):
        return "、".join(sorted(set(hits)))
    return None
