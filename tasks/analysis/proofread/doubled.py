"""Doubled characters and words: 的的, 了了, 是是, 进一步进一步.

Reduplication is grammar in Chinese (常常, 看看, 研究研究, 清清楚楚, 一个一个), so a repeat is a slip only
when jieba reads it as the same whole word twice and that word does not reduplicate: a one-character
function word (的, 了, 在, 和 …), or a longer word that is not one of the two-character verbs and
adjectives that reduplicate ABAB (研究研究, 雪白雪白) nor a numeral with its measure word (一步一步).
jieba's part-of-speech tags cannot tell these apart (研究研究 comes out "vn vn", 商量商量 "n n"), so the
ABAB words are listed: the closed class the grammars describe (volitional verbs one does "a little",
state adjectives), not words of any sample.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import words_around
from .finding import Finding, Locator

_HAN = "\u4e00-\u9fff"
# Up to four characters said twice in a row, on one line.
_REPEAT = re.compile(rf"([{_HAN}]{{1,4}})\1")
# Single characters that never reduplicate: particles, prepositions, conjunctions, pronouns.
# (Not 过, 还, 最: 过过瘾, 还还钱, 最最 are right.)
_FUNCTION_CHARS = frozenset("的了着地得是在和与及或把被将从向对于为以而并也都又就这那其之所很更")
# Verbs one does "a little" (研究研究再说).
_ABAB_VERBS = (
    "研究 讨论 商量 考虑 学习 休息 活动 锻炼 打扫 整理 收拾 准备 检查 比较 交流 了解 认识 打听 介绍 说明 "
    "解释 总结 分析 思考 琢磨 练习 表扬 批评 教育 帮助 关心 照顾 庆祝 放松 熟悉 体验 感受 尝试 议论 调查 "
    "调整 清理 梳理 盘点 反思 回顾 沟通 协调 请示 汇报 宣传 动员 鼓励 提醒 反映 核实 对照 掂量 合计 走访 "
    "看望 摸索 观察 考察 研讨 打量 体会 思量 斟酌 品味 欣赏 参观 散步 溜达 比划 演练 "
)
# State adjectives (雪白雪白) and answers said twice in speech (好的好的).
_ABAB_ADJECTIVES = (
    "雪白 通红 冰凉 笔直 漆黑 碧绿 火热 滚烫 金黄 鲜红 乌黑 冰冷 透亮 轻松 高兴 热闹 暖和 凉快 痛快 舒服 "
    "是的 好的 对的"
)
_ABAB = frozenset(f"{_ABAB_VERBS} {_ABAB_ADJECTIVES}".split())
_NUMERALS = "一二两三四五六七八九十百千万几半每"
# Emphasis by saying a degree twice is the speaker's own: 抓得很紧很紧, 非常非常重要.
_DEGREE = ("很", "非常", "特别", "十分", "太", "最", "更加")


def _may_reduplicate(unit: str) -> bool:
    if len(unit) == 1:
        return unit not in _FUNCTION_CHARS  # 常常, 看看, 人人
    return unit in _ABAB or unit[0] in _NUMERALS or unit.startswith(_DEGREE) or unit[0] == unit[1]


def _cut_as_repeat(text: str, m: re.Match[str]) -> bool:
    """Whether jieba reads the repeat as the word twice: two whole words, or the second starting a
    longer one (工作工作报告) when the word has two characters or more (的的确 is 的 + 的确)."""
    unit = m.group(1)
    offset, words = words_around(text, m.start(), m.end())
    for i, word in enumerate(words):
        if offset == m.start():
            if word == unit * 2:
                return len(unit) == 1  # jieba keeps 的的 as one word: there is no such word
            following = words[i + 1] if i + 1 < len(words) else ""
            return word == unit and (following == unit or (len(unit) > 1 and following.startswith(unit)))
        offset += len(word)
    return False


def _is_slip(text: str, m: re.Match[str]) -> bool:
    unit = m.group(1)
    if _may_reduplicate(unit):
        return False
    after = text[m.end() : m.end() + 2]
    if len(unit) == 1 and len(after) == 2 and after[0] == after[1]:
        return False  # AABB: 的的确确, 是是非非
    if len(unit) == 1 and m.start() >= 2 and text[m.start() - 2] == text[m.start() - 1] != unit:
        return False  # the second half of AABB
    return _cut_as_repeat(text, m)


def check(locator: Locator) -> Iterator[Finding]:
    text = locator.text
    m = _REPEAT.search(text)
    while m:
        if _is_slip(text, m):
            unit = m.group(1)
            yield locator.finding("doubled", m.start() + len(unit), m.end(), f"{unit} written twice", unit)
            m = _REPEAT.search(text, m.end())
        else:
            m = _REPEAT.search(text, m.start() + 1)  # 作工作工作报告: 作工 twice hides 工作 twice
