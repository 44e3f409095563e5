"""Text features of the statistical layer: pure functions, no numpy, no model.

* ``clause``: the project clause of a description — the sentences that say what is built or done, with
  bank / news boilerplate (“近日，某行投放贷款…”, “据了解…”) cut away. Falls back to the whole text when no
  sentence is left.
* ``terms``: character 2- and 3-grams of every run of Chinese characters, plus lower-cased Latin / digit
  tokens (MW, LED, PM2.5). Character n-grams need no segmenter at run time, so the model adds little to
  the cost of the rule layer; jieba's words are covered by the 2- and 3-grams that spell them.
"""

from __future__ import annotations

import re

CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9.]+")
SENTENCE = re.compile(r"[。；;！!？?\n]+")
# A sentence made only of finance / news prose: who lent how much, when, with what approval.
BOILERPLATE = re.compile(r"银行|分行|支行|农发行|国开行|贷款|授信|信贷|审批|投放|发放|融资|据了解|近日|记者|获悉|"
                         r"银團|貸款|銀行")
PROJECT_CUE = re.compile(r"项目|項目|建设|建設|工程|电站|電站|电厂|装机|生产线|改造|设施|设备|用于|用於|募集资金|"
                         r"新建|扩建|年产|处理|治理|修复|光伏|风电|储能|污水|节能|减排")


def clause(text: str) -> str:
    """The sentences that describe the project: a sentence is dropped when it is finance / news prose and
    names no project cue; if nothing is left the whole text is kept."""
    kept = [s for s in SENTENCE.split(text) if s and (PROJECT_CUE.search(s) or not BOILERPLATE.search(s))]
    return "。".join(kept) if kept else text


def terms(text: str) -> list[str]:
    """Character 2-/3-grams of the Chinese runs and lower-cased Latin tokens, in order, repeats kept."""
    out: list[str] = []
    for run in CJK_RUN.findall(text):
        n = len(run)
        out.extend(run[i:i + 2] for i in range(n - 1))
        out.extend(run[i:i + 3] for i in range(n - 2))
    out.extend(t.lower() for t in LATIN.findall(text))
    return out
