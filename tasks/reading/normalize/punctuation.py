"""R5 ellipses, R6 dashes, R7 ASCII punctuation, R10 doubled and colliding marks, R14 extras."""

from __future__ import annotations

import re

from tasks.text.chars import CJK, HAN

from .base import P_NUM, P_TEXT, Edit, Flag, Rule, Step, flag_all, rewrite

# R5 --------------------------------------------------------------------------------------------
_ELLIPSIS = re.compile(r"[.。·・…⋯](?:(?<=\.)\.\.+|(?<=。)。。+|(?<=[·・])[·・]{2,}|(?<=…)…*|(?<=⋯)⋯*)")


def _ellipsis(m: re.Match[str]) -> str | None:
    # "……" is right; so is the doubled "…………" that marks a whole omitted paragraph.
    return None if m.group() in ("……", "…………") else "……"


# R6 --------------------------------------------------------------------------------------------
# Dashes made of two hyphen-like marks; "next to hanzi" includes the line start of a subtitle "----2012年".
# Every pattern here opens with a character class, so the scanner skips plain text at C speed;
# context is checked by lookbehinds after that first character, or in Python on the few matches.
_DASH = re.compile("[-－─—―](?:(?<=-)-+|(?<=－)－+|(?<=─)─+|(?<=[—―])[—―]+)")
_LONE_DASH = re.compile(rf"[—―](?<=[{HAN}][—―])(?=[{HAN}])")
_CJK_CHAR = re.compile(f"[{CJK}]")


def _beside_cjk(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] touches a CJK character, allowing one space in between."""
    before = text[max(0, start - 2) : start].rstrip(" ")
    after = text[end : end + 2].lstrip(" ")
    return bool(before and _CJK_CHAR.match(before[-1])) or bool(after and _CJK_CHAR.match(after[0]))


def _dash(m: re.Match[str]) -> str | None:
    at_line_start = m.start() == 0 or m.string[m.start() - 1] == "\n"  # subtitle "----2012年"
    return "——" if at_line_start or _beside_cjk(m.string, m.start(), m.end()) else None


# R7 --------------------------------------------------------------------------------------------
_FULL = str.maketrans(",;:?!()", "，；：？！（）")
_ASCII_MARKS = re.compile("[,;:?!]+")
# After a hanzi, after a closing mark that ends Chinese text ("（见附件）."), after a straight quote
# closing Chinese text (R9 curls it later: "服务"."), or after a protected span set in Chinese
# ("邮箱a@b.cn.").
_PERIOD = re.compile(
    rf"\.(?:(?<=[{HAN}”’）》〉】〕]\.)|(?<=[{CJK}][\"'{P_TEXT}]\.))(?![\d.A-Za-z{P_NUM}{P_TEXT}])"
)
# 国发[2018]5号, 国办发（2018）123号 -> 〔2018〕
_DOC_YEAR = re.compile(rf"[\[【［(（](?<=[{HAN}].)((?:19|20)\d\d)[\]】］)）](?=\d{{1,4}}号)")
# A pair of ASCII brackets, or a lone one.
_PARENS = re.compile(r"[()](?:(?<=\()([^()\n]*)\))?")


def _ascii_marks(m: re.Match[str]) -> str | None:
    return m.group().translate(_FULL) if _beside_cjk(m.string, m.start(), m.end()) else None


def _parens(text: str) -> Step:
    """A pair turns full-width when it holds Chinese or touches it; a lone bracket when it touches it."""
    edits = []
    for m in _PARENS.finditer(text):
        if m.group(1) is None:
            if _beside_cjk(text, m.start(), m.end()):
                edits.append(Edit(m.start(), m.end(), m.group().translate(_FULL), "bracket beside Chinese"))
        elif _CJK_CHAR.search(m.group(1)) or _beside_cjk(text, m.start(), m.end()):
            edits.append(Edit(m.start(), m.start() + 1, "（", "brackets around Chinese"))
            edits.append(Edit(m.end() - 1, m.end(), "）", "brackets around Chinese"))
    return Step(edits, [])


# R10 -------------------------------------------------------------------------------------------
_RANK = {"。": 4, "？": 4, "！": 4, "；": 3, "：": 2, "，": 1, "、": 0}
_MARK_RUN = re.compile("[。？！；：，、]{2,}")


def _doubled(text: str) -> Step:
    edits, flags = [], []
    for m in _MARK_RUN.finditer(text):
        run = m.group()
        if set(run) <= {"？", "！"}:
            continue  # ？！ and ！！ are emphasis, not errors
        if len(set(run)) == 1:
            edits.append(Edit(m.start(), m.end(), run[0], "doubled mark"))
            continue
        keep = max(run, key=lambda ch: _RANK[ch])  # first of the strongest
        edits.append(Edit(m.start(), m.end(), keep, "colliding marks"))
        flags.append(Flag(m.start(), m.end(), f"colliding marks {run}: kept {keep}, please review"))
    return Step(edits, flags)


# R14 -------------------------------------------------------------------------------------------
_DOT = re.compile("[•・]")
_TILDE = re.compile(rf"~(?<=[\d{P_NUM}%年月日万亿]~)(?=[\d{P_NUM}])")
_ETC = re.compile("…+等")

RULES = (
    Rule("R5", rewrite(_ELLIPSIS, _ellipsis, "ellipsis")),
    Rule("R6", rewrite(_DASH, _dash, "dash")),
    Rule("R6", flag_all(_LONE_DASH, "single dash between hanzi: a connector (北京—上海) or half a ——?")),
    Rule("R7", rewrite(_DOC_YEAR, lambda m: f"〔{m[1]}〕", "year brackets of a document number")),
    Rule("R7", rewrite(_ASCII_MARKS, _ascii_marks, "ASCII mark beside Chinese")),
    Rule("R7", rewrite(_PERIOD, lambda m: "。", "ASCII full stop after hanzi")),
    Rule("R7", _parens),
)
DOUBLED = (Rule("R10", _doubled),)
EXTRAS = (
    Rule("R14", rewrite(_DOT, lambda m: "·", "middle dot")),
    Rule("R14", rewrite(_TILDE, lambda m: "～", "range tilde")),
    Rule("R14", flag_all(_ETC, "…… followed by 等: one of them is redundant")),
)
