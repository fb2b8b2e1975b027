"""Word's list numbers and style properties, as Word renders them: the `一、` Word draws is not in the text.

numbering.xml holds abstract lists (levels: start, format, level text such as `%1、` or `%1.%2`) and list
instances (w:num) that point at one and may restart levels (lvlOverride/startOverride). Instances of one
abstract list share their counters, as in Word: numbering continues until an override restarts it.
styles.xml gives paragraphs their numbering and hidden text through styles (basedOn chains).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LEVELS = 9
MAX_NUMBER = 32767  # Word's own limit for a list's start value
MAX_LABEL = 64  # a level text (`%1.%2.%3.`) longer than this is cut: it is repeated on every paragraph
_CHINESE_DIGITS = "〇一二三四五六七八九"
_CHINESE_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_PLACEHOLDER = re.compile(r"%([1-9])")


def attr(element: Element | None, name: str) -> str | None:
    """A w:-namespaced attribute of an element that may be missing."""
    return None if element is None else element.get(f"{W}{name}")


def is_on(element: Element | None) -> bool | None:
    """A toggle property (w:vanish, w:isLgl): None when absent, else on unless val is 0/false/off."""
    if element is None:
        return None
    return attr(element, "val") not in ("0", "false", "off")


def _int(value: str | None, default: int, low: int = 0, high: int = MAX_NUMBER) -> int:
    """An integer attribute kept in range: a hostile start of 10**12 must not become 10**12 letters."""
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return min(max(number, low), high)


def chinese_counting(n: int, digits: str = _CHINESE_DIGITS, units: str = "十百千万") -> str:
    """1 一, 10 十, 11 十一, 20 二十, 105 一百〇五 (Word's chineseCounting; legal digits for 壹贰叁)."""
    if n <= 0:
        return digits[0]
    if n >= 100000:
        return "".join(digits[int(d)] for d in str(n))
    parts, zero_pending = [], False
    for power in range(4, -1, -1):
        digit = n // 10**power % 10
        if digit == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append(digits[0])
            zero_pending = False
        if not (digit == 1 and power == 1 and not parts):  # 十一, not 一十一
            parts.append(digits[digit])
        if power:
            parts.append(units[power - 1])
    return "".join(parts)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _letters(n: int) -> str:
    """Word's letter numbering: A..Z, then AA..ZZ, AAA..."""
    if not 0 < n <= 780:  # ZZ...Z (30 letters): past it a long list would grow quadratically
        return str(n)
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _enclosed(n: int, first: int, last: int) -> str:
    return chr(first + n - 1) if 1 <= n <= last - first + 1 else str(n)


def format_number(n: int, fmt: str) -> str:
    """One counter in a w:numFmt; formats Word has but this does not know come out as decimal."""
    formats = {
        "decimalZero": lambda: f"{n:02d}",
        "upperRoman": lambda: _roman(n),
        "lowerRoman": lambda: _roman(n).lower(),
        "upperLetter": lambda: _letters(n),
        "lowerLetter": lambda: _letters(n).lower(),
        "chineseCounting": lambda: chinese_counting(n),
        "chineseCountingThousand": lambda: chinese_counting(n),
        "japaneseCounting": lambda: chinese_counting(n),
        "taiwaneseCounting": lambda: chinese_counting(n),
        "taiwaneseCountingThousand": lambda: chinese_counting(n),  # LibreOffice's 一, 二, 三, ...
        "chineseLegalSimplified": lambda: chinese_counting(n, _CHINESE_LEGAL_DIGITS, "拾佰仟万"),
        "ideographDigital": lambda: "".join(_CHINESE_DIGITS[int(d)] for d in str(n)),
        "ideographTraditional": lambda: _HEAVENLY_STEMS[(n - 1) % 10],
        "ideographZodiac": lambda: _EARTHLY_BRANCHES[(n - 1) % 12],
        "decimalFullWidth": lambda: str(n).translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)}),
        "decimalEnclosedCircle": lambda: _enclosed(n, 0x2460, 0x2473),
        "decimalEnclosedCircleChinese": lambda: _enclosed(n, 0x2460, 0x2473),
        "decimalEnclosedParen": lambda: _enclosed(n, 0x2474, 0x2487),
        "decimalEnclosedFullstop": lambda: _enclosed(n, 0x2488, 0x249B),
    }
    return formats.get(fmt, lambda: str(n))()


@dataclass(frozen=True)
class Level:
    """One w:lvl of a list."""

    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart_after: int | None = None  # w:lvlRestart: 0 never, N after levels above N; None after any above
    legal: bool = False  # w:isLgl: every placeholder as a decimal (1.1, not 一.1)
    style: str | None = None  # w:pStyle: the paragraph style bound to this level
    separated: bool = True  # w:suff tab or space (not "nothing"): Word sets the text apart from the number

    @classmethod
    def parse(cls, lvl: Element) -> Level:
        restart = lvl.find(f"{W}lvlRestart")
        return cls(
            start=_int(attr(lvl.find(f"{W}start"), "val"), 1),
            fmt=attr(lvl.find(f"{W}numFmt"), "val") or "decimal",
            text=(attr(lvl.find(f"{W}lvlText"), "val") or "")[:MAX_LABEL],
            restart_after=None if restart is None else _int(attr(restart, "val"), 0),
            legal=bool(is_on(lvl.find(f"{W}isLgl"))),
            style=attr(lvl.find(f"{W}pStyle"), "val"),
            separated=attr(lvl.find(f"{W}suff"), "val") != "nothing",
        )


@dataclass(frozen=True)
class Style:
    based_on: str | None
    vanish: bool | None
    num_id: str | None
    ilvl: int | None


class Styles:
    """Paragraph and character styles: the hidden flag and list numbering each inherits (basedOn)."""

    def __init__(self, root: Element | None) -> None:
        self.styles: dict[str, Style] = {}
        self.chains: dict[str, list[Style]] = {}
        self.default_paragraph: str | None = None
        self.default_vanish = False
        if root is None:
            return
        defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}vanish")
        self.default_vanish = bool(is_on(defaults))
        for style in root.iter(f"{W}style"):
            style_id = attr(style, "styleId")
            if style_id is None:
                continue
            num = style.find(f"{W}pPr/{W}numPr")
            ilvl = attr(None if num is None else num.find(f"{W}ilvl"), "val")
            self.styles[style_id] = Style(
                based_on=attr(style.find(f"{W}basedOn"), "val"),
                vanish=is_on(style.find(f"{W}rPr/{W}vanish")),
                num_id=attr(None if num is None else num.find(f"{W}numId"), "val"),
                ilvl=None if ilvl is None else _int(ilvl, 0),
            )
            if attr(style, "type") == "paragraph" and attr(style, "default") in ("1", "true", "on"):
                self.default_paragraph = style_id

    def _chain(self, style_id: str | None) -> list[Style]:
        """The style and those it is based on, nearest first (cached: asked once per paragraph)."""
        key = style_id or ""
        if key not in self.chains:
            self.chains[key] = self._resolve(style_id)
        return self.chains[key]

    def _resolve(self, style_id: str | None) -> list[Style]:
        chain: list[Style] = []
        seen: set[str] = set()
        while style_id is not None and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            chain.append(self.styles[style_id])
            style_id = chain[-1].based_on
        return chain

    def vanish(self, style_id: str | None) -> bool | None:
        """Whether a style (or one it is based on) hides text; None when none of them says."""
        return next((s.vanish for s in self._chain(style_id) if s.vanish is not None), None)

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) a paragraph style gives its paragraphs, from the nearest style that sets one."""
        for style in self._chain(style_id):
            if style.num_id is not None:
                return style.num_id, style.ilvl
        return None, None


@dataclass
class _Instance:
    abstract_id: str
    starts: dict[int, int] = field(default_factory=dict)  # lvlOverride/startOverride
    levels: dict[int, Level] = field(default_factory=dict)  # lvlOverride/lvl


class Numbering:
    """numbering.xml: renders the label of each numbered paragraph in document order."""

    def __init__(self, root: Element | None, styles: Styles) -> None:
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.style_links: dict[str, str] = {}  # abstractNumId -> numbering style (numStyleLink)
        self.instances: dict[str, _Instance] = {}
        self.styles = styles
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()
        if root is None:
            return
        for abstract in root.iter(f"{W}abstractNum"):
            abstract_id = attr(abstract, "abstractNumId") or ""
            self.abstracts[abstract_id] = {
                _int(attr(lvl, "ilvl"), 0): Level.parse(lvl) for lvl in abstract.iter(f"{W}lvl")
            }
            link = attr(abstract.find(f"{W}numStyleLink"), "val")
            if link is not None:
                self.style_links[abstract_id] = link
        for num in root.iter(f"{W}num"):
            instance = _Instance(attr(num.find(f"{W}abstractNumId"), "val") or "")
            for override in num.iter(f"{W}lvlOverride"):
                ilvl = _int(attr(override, "ilvl"), 0, high=LEVELS - 1)
                start = override.find(f"{W}startOverride")
                if start is not None:
                    instance.starts[ilvl] = _int(attr(start, "val"), 1)
                lvl = override.find(f"{W}lvl")
                if lvl is not None:
                    instance.levels[ilvl] = Level.parse(lvl)
            self.instances[attr(num, "numId") or ""] = instance

    def _abstract_id(self, num_id: str) -> str | None:
        """The abstract list a w:num uses, following a numbering style link once (numStyleLink)."""
        instance = self.instances.get(num_id)
        if instance is None:
            return None
        link = self.style_links.get(instance.abstract_id)
        if link is not None:
            linked_num, _ = self.styles.numbering(link)
            linked = self.instances.get(linked_num or "")
            if linked is not None and linked.abstract_id not in self.style_links:
                return linked.abstract_id
        return instance.abstract_id

    def paragraph_numbering(
        self, num_id: str | None, ilvl: int | None, style_id: str | None
    ) -> tuple[str | None, int]:
        """(numId, ilvl) of a paragraph: its own w:numPr, else its style's (numId 0 turns it off)."""
        style_num, style_ilvl = self.styles.numbering(style_id)
        num_id = num_id if num_id is not None else style_num
        if num_id is None or num_id == "0":
            return None, 0
        if ilvl is None:
            ilvl = style_ilvl
        if ilvl is None:  # a style bound to a level of the list (w:lvl/w:pStyle) takes that level
            abstract = self.abstracts.get(self._abstract_id(num_id) or "", {})
            ilvl = next((n for n, level in abstract.items() if level.style == style_id), 0)
        return num_id, min(max(ilvl, 0), LEVELS - 1)

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the list's counters for one paragraph and return the number Word draws, e.g. `（二）`."""
        instance = self.instances.get(num_id)
        abstract_id = self._abstract_id(num_id)
        if instance is None or abstract_id is None:
            return ""
        levels = {**self.abstracts.get(abstract_id, {}), **instance.levels}
        counters = self.counters.setdefault(abstract_id, [None] * LEVELS)
        if num_id not in self.started:  # a restarted list ("restart numbering" in Word)
            self.started.add(num_id)
            for level_number, start in instance.starts.items():
                counters[level_number] = start - 1
        level = levels.get(ilvl, Level())
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, LEVELS):
            restart = levels.get(deeper, Level()).restart_after
            if restart is None or ilvl < restart:
                counters[deeper] = None
        if level.fmt in ("bullet", "none"):
            return ""

        def placeholder(match: re.Match[str]) -> str:
            n = int(match.group(1)) - 1
            shown = levels.get(n, Level())
            value = counters[n] if counters[n] is not None else shown.start
            return format_number(value, "decimal" if level.legal else shown.fmt)

        label = _PLACEHOLDER.sub(placeholder, level.text)
        # `一、` and `（一）` end in their own delimiter; `第一条` or a bare `1` needs the gap Word draws.
        return label + " " if label and label[-1].isalnum() and level.separated else label
