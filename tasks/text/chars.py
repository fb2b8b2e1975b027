"""Character classes of Chinese office text, and the marks no line may start or end with.

The classes are bodies for a regex character class (`f"[{HAN}]"`), so they combine: `[{HAN}（）]`.
"""

from __future__ import annotations

# Han ideographs: CJK Unified (with extension A), the compatibility block, and 〇 as in 二〇二四年.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007"
# Full-width marks that sit between hanzi in running text.
FW_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】〔〕［］「」『』…—～·"
CJK = HAN + FW_PUNCT
# The Unicode blocks of CJK symbols and punctuation (、。〔〕 and the ideographic space) and of
# full-width and half-width forms (，！（ Ａ１): with HAN, everything a Chinese text sets in its own type.
CJK_SYMBOLS = "\u3000-\u303f"
FULL_WIDTH_FORMS = "\uff00-\uffef"
CJK_TEXT = HAN + CJK_SYMBOLS + FULL_WIDTH_FORMS
# Horizontal whitespace: ASCII space, tab, NBSP, ideographic space (never "\n").
WS = " \t\u00a0\u3000"
# The spaces typed between words (a spaced-out title 通　知, a name 王　芳): ASCII and ideographic.
SPACES = " \u3000"
DIGITS = "0-9０-９"  # ASCII and full-width digits, as drafts write them

# Marks that end a sentence; marks a sentence holds (not 、: a title or a speaker line holds it too);
# and all of them, full-width and ASCII alike: drafts mix both.
SENTENCE_END = "。！？!?"
SENTENCE_MARKS = "，。；：！？,.;:!?"
PUNCTUATION = SENTENCE_MARKS + "、"

# 避头尾: closing marks never open a line, opening marks never end one (both writers and titles; the
# layout profile's line-breaking rules start from these).
NO_LINE_START_MARKS = "，。、；：？！）》”’」』】〕〉…—·%‰,.;:?!)]}"
NO_LINE_END_MARKS = "（《“‘「『【〔〈([{"
NO_LINE_START = frozenset(NO_LINE_START_MARKS)
NO_LINE_END = frozenset(NO_LINE_END_MARKS)
