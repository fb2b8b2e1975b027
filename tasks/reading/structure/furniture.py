"""Site and news furniture: what a scraped web page or a newspaper reprint adds around a document.

Datelines (新华社北京7月21日电), bylines, photo captions (…… 新华社记者 鞠鹏/摄), trailers
(（新华社北京2月23日电）《人民日报》（2020年2月24日02版）), the magazine's ※ source note, page toolbars
(【字体：大 中 小】, 打印本页, 分享到, 扫一扫), breadcrumbs (当前位置：首页 > …), publication meta lines
(发表时间：, 来源：, 阅读量：, a value maybe on the next line), related-link lists, 责任编辑, site footers
(网站标识码, ICP备, 公网安备), a page headline over the document's own title, and the title repeated at
the end with the page summary.

Furniture is found anywhere, inside a line too (a caption glued between two sentences), as spans of
the text. `remove_furniture` blanks each span with spaces (line breaks kept), so every offset and line
number stays valid and the segmenter sees a gap where a piece was. Kinds that could be content in
the middle of a document (来源：, 发文机关：, a menu of spaced words) count only in the page's head or tail.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from tasks.model import Diagnostic, DroppedLine
from tasks.reading.structure import parts
from tasks.text.chars import HAN, SENTENCE_END, SPACES, WS

_NAME = rf"[{HAN}·]{{2,5}}?"
_NAMES = rf"{_NAME}(?:\s*[、\s]\s*{_NAME}){{0,3}}"
_DATE = r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
_MONTH_DAY = r"\d{1,2}\s*月\s*\d{1,2}\s*日"
_AGENCY = (
    rf"(?:新华社|中新社|中新网|人民网|新华网|央视网|本报|[{HAN}]{{2,8}}?(?:日报|晚报|通讯社|社|网|电视台))"
)
_GAP = re.compile(rf"[{WS}]{{2,}}|\n")
_BLANKS = re.compile(f"[{WS}]*")
_NOT_A_LINE_BREAK = re.compile(r"[^\n]")
_SENTENCE = re.compile(rf"[^{SENTENCE_END}]*(?:[{SENTENCE_END}][”’」』）)]?|$)")

# A photo credit closes a caption: 新华社记者 鞠鹏/摄, 宁夏日报记者 王鼎 摄, （记者 张三 摄）, 张三/摄,
# 新华社发（张三 摄）.
_CREDIT = re.compile(
    rf"[（(]?\s*(?:[{HAN}]{{0,10}}(?:记者|通讯员)\s*{_NAMES}|{_NAME}(?=\s*/))\s*/?\s*摄(?!影|像)\s*[）)]?"
    rf"|(?:[{HAN}]{{1,6}}发\s*)?[（(]\s*{_NAMES}\s*/?\s*摄\s*[）)]"
)
_SHOT = re.compile("摄")
_CREDIT_CHARS = 40
# The sentence a caption opens with says when (or on what occasion) the picture was taken.
_CAPTION_OPENER = re.compile(
    rf"\s*(?:(?:{_DATE}|\d{{4}}\s*年\s*\d{{1,2}}\s*月|{_MONTH_DAY})(?:\s*至\s*\d{{1,2}}\s*日)?"
    rf"(?:[上下]午|晚间?|凌晨)?|[^，。！？]{{2,24}}(?:之际|前夕|期间))[，,]"
)
_FIRST_PERSON = re.compile("我(?![国省市区县军党校院])")
_CAPTION_SENTENCES = 4  # at most: the event, "这是……", and a sentence or two between
_CAPTION_CHARS = 400
_DATELINE = re.compile(
    rf"(?:{_AGENCY}[{HAN}]{{0,8}}?{_MONTH_DAY}\s*电|本报讯)(?:\s*[（(]\s*记者[^（）()\n]{{1,40}}[）)])?"
)
# Pieces that close a paragraph: a bracketed dateline, the newspaper's name, date and page, credits.
_CLOSERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"[（(]\s*{_AGENCY}[^（）()\n]{{0,20}}?电\s*[）)]"), "news agency dateline"),
    (re.compile(r"[（(]\s*完\s*[）)]"), "news end mark"),
    (
        re.compile(rf"《\s*[{HAN}]{{2,12}}\s*》\s*[（(]\s*{_DATE}\s*(?:第?\s*\d{{1,3}}\s*版)?\s*[）)]"),
        "newspaper trailer",
    ),
    (
        re.compile(r"[（(【\[]\s*(?:责任编辑|责编|编辑)\s*[:：][^（）()【】\n]{1,30}[）)】\]]"),
        "editor credit",
    ),
    (
        re.compile(
            r"[（(【\[]\s*(?:本文)?(?:来源|稿源|信息来源|文章来源)\s*[:：][^（）()【】\n]{1,30}[）)】\]]"
        ),
        "source credit",
    ),
)
_SOURCE_NOTE = re.compile(r"※[^※\n]{4,200}?\s*$")
_NOTE_MARK = re.compile("※")
_BRACKETED = re.compile(r"【([^【】]{1,60})】")
_WIDGET_WORDS = re.compile(r"字体|字号|打印|关闭|纠错|收藏|分享|返回|顶部|大\s*中\s*小|小\s*中\s*大")

_WIDGET = (
    r"打印本页|打印此页|打印文章|打印|关闭窗口|关闭本页|关闭|收藏本页|加入收藏|收藏|我要纠错|纠错"
    r"|返回顶部|回到顶部|返回首页|返回|手机版|字体[:：]?\s*[大中小默认\s]*|字号[:：]?\s*[大中小默认\s]*"
    r"|分享到[:：]?\s*\S{0,6}|分享[:：]?|\S{0,4}扫一扫\S{0,14}|【\s*[大中小]\s*】"
    r"|微信|微博|QQ空间|QQ好友|朋友圈|复制链接"
)
_EDITOR = re.compile(rf"[（(]?\s*(?:责任编辑|责编)\s*[:：]\s*(?:{_NAMES})?\s*[）)]?")
_DATETIME = (
    r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*\d{1,2}(?:[:：]\d{2}(?:[:：]\d{2})?|时\d{1,2}分(?:\d{1,2}秒)?)"
)
# Labels of a page's meta line (来源：新华网 作者：张三 2024-01-02 10:00); not 时间：, heading a 纪要's items.
_META_LABEL = r"来源|稿源|作者|编辑|责任编辑|责编|发布时间|发表时间|发布日期|浏览次数|阅读量|点击数|字号"
# Whole lines that are furniture wherever they stand.
_LINES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"(?:[【\[]?\s*(?:{_WIDGET})\s*[】\]]?\s*[|｜/·]?\s*)+"), "website widget"),
    (re.compile(r"分享(?:到|至|给|让)[^。，！？]{0,12}"), "website widget"),
    (re.compile(r"[^。，！？]{0,4}点击[^。，！？]{0,14}"), "website widget"),
    (_EDITOR, "editor credit"),
    (re.compile(r"(?:上一篇|下一篇|上一条|下一条)(?:\s*[:：].{0,60}|[^。！？]{0,60})"), "website navigation"),
    (
        re.compile(
            r"[^。！？；，,]{0,60}(?:版权所有|Copyright|©|ICP备|ICP证|公网安备|网站标识码|主办单位[:：]|承办单位[:：]"
            r"|技术支持[:：]|运行维护单位|联系我们|网站地图|网站声明|关于本网|隐私政策)[^。！？；，,]{0,60}",
            re.IGNORECASE,
        ),
        "site footer",
    ),
    (re.compile(_DATETIME), "publication time"),
    (re.compile(r"原标题\s*[:：].{1,80}"), "source credit"),
    (re.compile(r"图片来源\s*[:：].{1,30}"), "photo caption"),
    (
        re.compile(r"(?:阅读量|阅读次数|浏览量|浏览次数|点击数|点击量|访问量)\s*[:：]\s*\d*\s*次?"),
        "view count",
    ),
)
# Labels whose value a scrape may put on the next line; the value then goes with them.
_LABEL = re.compile(
    r"(?:发表时间|发布时间|发布日期|更新时间|来源|稿源|信息来源|文章来源|作者|责任编辑|责编|编辑"
    r"|阅读量|阅读次数|浏览量|浏览次数|点击数|访问量)\s*[:：]"
)
# Whole lines that are furniture only in the page's head or tail (in a body they may be content).
_EDGE_LINES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"[（(]?\s*(?:来源|稿源|信息来源|文章来源|作者|编辑|校对|审核)\s*[:：][^。！？]{0,40}?[）)]?"
        ),
        "source credit",
    ),
    (
        re.compile(
            r"(?:索\s*引\s*号|主题分类|主\s*题\s*词|发文机关|发文字号|成文日期|发布日期|发布时间)\s*[:：].*"
        ),
        "portal metadata",
    ),
    (re.compile(r"(?:发表时间|发布时间|发布日期|更新时间)\s*[:：][^。！？]{0,30}"), "publication time"),
    (re.compile(r"(?:[^\s。，！？]{1,8}\s*[|｜>＞/]\s*){2,}[^\s。，！？]{1,8}"), "website menu"),
    (re.compile(rf"(?:(?:[{HAN}]{{0,8}}(?:记者|通讯员)|作者\s*[:：])\s*{_NAMES}\s*)+"), "byline"),
    (
        re.compile(rf"(?:(?:{_META_LABEL})\s*[:：]\s*[^\s:：。，！？]{{0,20}}\s*|{_DATETIME}\s*)+"),
        "page meta",
    ),
)
# Words set apart by spaces: a menu at the end, but at the start as likely a title (凝心聚力　真抓实干……).
_SPACED_MENU = re.compile(rf"(?:[^\s。，！？：]{{2,6}}[{SPACES}]+){{3,}}[^\s。，！？：]{{2,6}}")
_BREADCRUMB = re.compile(r"(?:当前位置|您的位置|您现在的位置|现在位置|所在位置)\s*[:：].*")
_CRUMB_SEPARATOR = re.compile(r"[>＞»›/|｜\\]+")
_CRUMB = re.compile(rf"[{HAN}A-Za-z0-9]{{1,12}}")
_RELATED = re.compile(
    r"(?:相关链接|相关文档|相关附件|相关阅读|相关新闻|相关文章|相关文件|相关稿件|延伸阅读|推荐阅读|往期回顾"
    r"|猜你喜欢|热点推荐|热门推荐|更多)"
    r"\s*(?:>>|》》|>|》|[:：])?"
)
_LINK_ID = re.compile(r"(?:[0-9a-fA-F]{16,}|https?://\S+)\s*[:：]?")
_LINK_TITLE = 80
_SYMBOLS = re.compile(r"[|｜×✕>＞»›<«‹/\\·•_=+*#【】\[\]大中小]+")  # toolbar leftovers between widgets
_SENTENCE_MARK = re.compile(f"[{SENTENCE_END}]")
_BODY_LINE = 60  # a longer line is document text even without a sentence mark
_VALUE = 30  # the longest value of a meta label on the next line
_TAIL_LINES = 15  # where a title repeated at the end is looked for
_HEAD_LINES = 12
_OPENING = 2000  # characters of the body a page summary may repeat


@dataclass(frozen=True)
class Piece:
    """text[start:end] is furniture of the kind `reason`."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class _Line:
    start: int
    end: int  # without the "\n"
    text: str  # stripped


def _lines(text: str) -> list[_Line]:
    found, offset = [], 0
    for line in text.split("\n"):
        found.append(_Line(offset, offset + len(line), line.strip()))
        offset += len(line) + 1
    return found


class _Mask:
    """Which characters are furniture so far."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.covered = bytearray(len(text))
        self.pieces: list[Piece] = []

    def add(self, start: int, end: int, reason: str) -> None:
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        if start < end and not all(self.covered[start:end]):
            self.pieces.append(Piece(start, end, reason))
            self.covered[start:end] = b"\x01" * (end - start)

    def line_done(self, line: _Line) -> bool:
        """Nothing but furniture and spaces on the line (an empty line too)."""
        return not self.rest(line)

    def reason_at(self, start: int, end: int) -> str:
        """The reason of a piece overlapping text[start:end]."""
        return next(p.reason for p in self.pieces if p.start < end and start < p.end)

    def rest(self, line: _Line) -> str:
        """The line's text with its furniture blanked, stripped."""
        if not any(self.covered[line.start : line.end]):
            return line.text
        chars = list(self.text[line.start : line.end])
        for piece in self.pieces:
            if piece.start < line.end and line.start < piece.end:
                start, end = max(piece.start, line.start), min(piece.end, line.end)
                chars[start - line.start : end - line.start] = " " * (end - start)
        return "".join(chars).strip()


def _paragraph_start(text: str, end: int) -> int:
    """Where the paragraph holding text[end - 1] starts: after a line break or a run of spaces."""
    start = text.rfind("\n", 0, end) + 1
    content_end = start + len(text[start:end].rstrip())  # a gap right before `end` opens no paragraph
    for gap in _GAP.finditer(text, start, content_end):
        start = gap.end()
    return start


def _caption_start(sentences: list[re.Match[str]]) -> int:
    """Index of the caption's first sentence among the sentences before a credit (len: none)."""
    candidates = len(sentences)
    for sentence in reversed(sentences[-_CAPTION_SENTENCES:]):
        if _FIRST_PERSON.search(sentence.group()):
            break  # the speaker's own words, never a caption's (我国, 我省 may be a caption's)
        candidates -= 1
        if _CAPTION_OPENER.match(sentence.group()):
            return candidates
    if candidates == len(sentences):
        return candidates
    last = len(sentences) - 1  # no sentence says when: the last one, and the event "这是……" refers to
    return last - 1 if last > candidates and sentences[last].group().strip().startswith("这是") else last


def _credits(text: str) -> list[re.Match[str]]:
    """The photo credits in `text`; looked for only around a 摄, which every credit ends with."""
    found: list[re.Match[str]] = []
    for shot in _SHOT.finditer(text):
        window = max(0, shot.start() - _CREDIT_CHARS, found[-1].end() if found else 0)
        credit = next(
            (m for m in _CREDIT.finditer(text, window, shot.end() + 1) if m.end() > shot.start()), None
        )
        if credit is not None:
            found.append(credit)
    return found


def _captions(text: str, mask: _Mask) -> None:
    """A photo caption: the sentences before a credit, back to the one saying when the photo was taken."""
    for credit in _credits(text):
        start = _paragraph_start(text, credit.start())
        sentences = [m for m in _SENTENCE.finditer(text, start, credit.start()) if m.group().strip()]
        first = _caption_start(sentences)
        begin = sentences[first].start() if first < len(sentences) else credit.start()
        if credit.end() - begin <= _CAPTION_CHARS:
            mask.add(begin, credit.end(), "photo caption")


def _datelines(text: str, mask: _Mask) -> None:
    """新华社北京7月21日电 opening a line or a paragraph, maybe glued to the title or the first sentence."""
    for start in (0, *(gap.end() for gap in _GAP.finditer(text))):
        match = _DATELINE.match(text, _BLANKS.match(text, start).end())
        if match:
            mask.add(match.start(), match.end(), "news agency dateline")


def _closers(text: str, lines: list[_Line], mask: _Mask) -> None:
    """Trailers and credits ending a line, one after another: （新华社北京2月23日电）《人民日报》（……版）."""
    for line in lines:
        end = line.start + len(text[line.start : line.end].rstrip())
        while end > line.start:
            found = None
            for pattern, reason in _CLOSERS:
                for match in pattern.finditer(text, line.start, end):
                    if match.end() == end:
                        found = (match.start(), reason)
            if found is None:
                break
            mask.add(found[0], end, found[1])
            end = line.start + len(text[line.start : found[0]].rstrip())


def _source_note(text: str, mask: _Mask) -> None:
    """The magazine's ※ note at the very end; every other ※ in the text is its mark."""
    note = _SOURCE_NOTE.search(text)
    if note is None:
        return
    mask.add(note.start(), note.end(), "source note")
    for mark in _NOTE_MARK.finditer(text, 0, note.start()):
        mask.add(mark.start(), mark.end(), "footnote mark")


def _bracketed_widgets(text: str, mask: _Mask) -> None:
    """【字体：大 中 小】, 【打印本页】, also spread one token per line; 【责任编辑：张三】."""
    for match in _BRACKETED.finditer(text):
        inside = re.sub(r"\s+", "", match.group(1))
        if len(inside) <= 20 and _WIDGET_WORDS.search(inside):
            mask.add(match.start(), match.end(), "website widget")
        elif _EDITOR.fullmatch(inside):
            mask.add(match.start(), match.end(), "editor credit")


def _line_reason(text: str) -> str | None:
    return next((reason for pattern, reason in _LINES if pattern.fullmatch(text)), None)


def _edge_reason(text: str, at_end: bool) -> str | None:
    found = next((reason for pattern, reason in _EDGE_LINES if pattern.fullmatch(text)), None)
    return found or ("website menu" if at_end and _SPACED_MENU.fullmatch(text) else None)


def _is_value(text: str) -> bool:
    """The value of a meta label on the line below: short, no sentence, not itself furniture."""
    return (
        0 < len(text) <= _VALUE
        and not _SENTENCE_MARK.search(text)
        and not text.startswith(("【", "["))
        and not _LABEL.match(text)
        and _line_reason(text) != "website widget"
    )


def _labelled(lines: list[_Line], i: int, mask: _Mask, reason: str) -> int:
    """Drop a label line, with its value on the next line when the label stands alone. Returns the
    index of the last line taken."""
    line = lines[i]
    label = _LABEL.match(line.text)
    last = i
    if label and label.end() == len(line.text) and i + 1 < len(lines) and _is_value(lines[i + 1].text):
        last = i + 1
    mask.add(line.start, lines[last].end, reason)
    return last


def _breadcrumb(lines: list[_Line], i: int, mask: _Mask) -> int:
    """当前位置： / 首页 / > / 政务信息 / > / 宁夏要闻 (and the column's name repeated under it)."""
    crumbs: list[str] = []
    last, after_separator = i, True
    for j in range(i + 1, min(len(lines), i + 16)):
        text = lines[j].text
        if _CRUMB_SEPARATOR.fullmatch(text):
            after_separator = True
        elif _CRUMB.fullmatch(text) and (after_separator or text in crumbs):
            crumbs.append(text)
            after_separator = False
        else:
            break
        last = j
    mask.add(lines[i].start, lines[last].end, "breadcrumb")
    return last


def _related_links(lines: list[_Line], i: int, mask: _Mask) -> int:
    """相关链接>> then link ids (32 hex digits, URLs), each with the linked title on the next line."""
    last, j = i, i + 1
    while j < len(lines) and _LINK_ID.fullmatch(lines[j].text):
        last = j
        if (
            j + 1 < len(lines)
            and 0 < len(lines[j + 1].text) <= _LINK_TITLE
            and not _LINK_ID.fullmatch(lines[j + 1].text)
        ):
            last = j = j + 1
        j += 1
    mask.add(lines[i].start, lines[last].end, "related links")
    return last


def _page_lines(lines: list[_Line], mask: _Mask) -> None:
    """Whole-line furniture anywhere: toolbars, footers, breadcrumbs, related links, meta lines."""
    i = 0
    while i < len(lines):
        text = mask.rest(lines[i])
        if not text:
            i += 1
            continue
        if _BREADCRUMB.fullmatch(text):
            i = _breadcrumb(lines, i, mask)
        elif _RELATED.fullmatch(text):
            i = _related_links(lines, i, mask)
        elif (reason := _line_reason(text)) is not None:
            if _LABEL.match(text):
                i = _labelled(lines, i, mask, reason)
            else:
                mask.add(lines[i].start, lines[i].end, reason)
        i += 1


def _is_body(line: _Line, mask: _Mask) -> bool:
    rest = mask.rest(line)
    return bool(rest) and (_SENTENCE_MARK.search(rest) is not None or len(rest) > _BODY_LINE)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _repeated_title(text: str, lines: list[_Line], mask: _Mask) -> None:
    """The page title again at the very end, after the page's tail furniture, maybe with the page summary
    (the body's first sentences) under it."""
    body = [i for i, line in enumerate(lines) if _is_body(line, mask)]
    if not body:
        return
    head = [mask.rest(line) for line in lines[: min(body[0], _HEAD_LINES)]]
    titles = {_compact(t) for t in head if t and parts.is_title_line(t) and parts.names_genre(t)}
    opening = _compact(text[: lines[body[0]].start + _OPENING])
    kept = [i for i, line in enumerate(lines) if not mask.line_done(line) and i > body[0]]
    for index in range(max(0, len(kept) - _TAIL_LINES), len(kept)):
        i = kept[index]
        before = kept[index - 1] if index else body[0]
        chrome = any(lines[k].text and mask.line_done(lines[k]) for k in range(before + 1, i))
        summary = [mask.rest(lines[k]) for k in kept[index + 1 :]]
        repeated = _compact(mask.rest(lines[i])) in titles
        if chrome and repeated and all(_compact(t) in opening for t in summary):
            mask.add(lines[i].start, lines[kept[-1]].end, "repeated title")
            return


def _page_headline(lines: list[_Line], head_end: int, mask: _Mask) -> None:
    """A page headline over the page's meta lines, then the document's own title (the same or not)."""
    kept = [i for i in range(head_end) if not mask.line_done(lines[i])]
    for a, b in itertools.pairwise(kept):
        headline, title = mask.rest(lines[a]), mask.rest(lines[b])
        chrome_between = any(mask.line_done(lines[k]) and lines[k].text for k in range(a + 1, b))
        if (
            chrome_between
            and parts.is_title_line(headline)
            and parts.is_title_line(title)
            and parts.names_genre(title)
            and not parts.is_subtitle(title)
        ):
            mask.add(lines[a].start, lines[a].end, "page headline")
            return


def _edges(lines: list[_Line], mask: _Mask) -> None:
    """Furniture that counts only before the first and after the last line of document text."""
    body = [i for i, line in enumerate(lines) if _is_body(line, mask)]
    head_end = body[0] if body else len(lines)
    tail_start = body[-1] + 1 if body else len(lines)
    for i in [*range(head_end), *range(tail_start, len(lines))]:
        text = mask.rest(lines[i])
        reason = _edge_reason(text, at_end=i >= tail_start) if text else None
        if reason is None:
            continue
        if _LABEL.match(text):
            _labelled(lines, i, mask, reason)
        else:
            mask.add(lines[i].start, lines[i].end, reason)
    _page_headline(lines, head_end, mask)


def _leftover_symbols(lines: list[_Line], mask: _Mask) -> None:
    """A lone |, × or 大/中/小 next to toolbar lines goes with them (字号： / 大 / 中 / 小)."""
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        for i in order:
            text = mask.rest(lines[i])
            if not text or not _SYMBOLS.fullmatch(text):
                continue
            done = [
                lines[k]
                for k in (i - 1, i + 1)
                if 0 <= k < len(lines) and lines[k].text and mask.line_done(lines[k])
            ]
            if done:
                mask.add(lines[i].start, lines[i].end, mask.reason_at(done[0].start, done[0].end))


def find_furniture(text: str) -> list[Piece]:
    """The furniture pieces of `text`, in order."""
    mask = _Mask(text)
    lines = _lines(text)
    _source_note(text, mask)
    _captions(text, mask)
    _datelines(text, mask)
    _closers(text, lines, mask)
    _bracketed_widgets(text, mask)
    _page_lines(lines, mask)
    _repeated_title(text, lines, mask)
    _edges(lines, mask)
    _leftover_symbols(lines, mask)
    return _joined(text, sorted(mask.pieces, key=lambda p: p.start))


def _joined(text: str, pieces: Iterable[Piece]) -> list[Piece]:
    """Pieces of one kind on one line, only spaces between them, are one: 【打印本页】　【关闭窗口】."""
    joined: list[Piece] = []
    for piece in pieces:
        last = joined[-1] if joined else None
        between = text[last.end : piece.start] if last else "\n"
        if last and last.reason == piece.reason and not between.strip() and "\n" not in between:
            joined[-1] = Piece(last.start, piece.end, last.reason)
        else:
            joined.append(piece)
    return joined


def blank(text: str, pieces: Iterable[Piece]) -> str:
    """`text` with every piece replaced by as many spaces; line breaks stay."""
    out: list[str] = []
    position = 0
    for piece in pieces:
        out += [text[position : piece.start], _NOT_A_LINE_BREAK.sub(" ", text[piece.start : piece.end])]
        position = piece.end
    return "".join([*out, text[position:]])


def furniture_warning(dropped: tuple[DroppedLine, ...]) -> Diagnostic | None:
    """One warning counting what was left out, so a reader checks it (report.json lists each piece)."""
    if not dropped:
        return None
    kinds = ", ".join(sorted({d.reason for d in dropped}))
    first = dropped[0]
    message = (
        f"{len(dropped)} pieces of web page or news furniture left out ({kinds}): "
        "see report.json (structure.dropped) or changes.html"
    )
    return Diagnostic("furniture", first.line, 1, message, first.text[:40])


def remove_furniture(text: str) -> tuple[str, tuple[DroppedLine, ...]]:
    """(text with the furniture blanked, what was dropped: line, text, reason, offset)."""
    pieces = find_furniture(text)
    dropped: list[DroppedLine] = []
    line, counted = 1, 0  # pieces come in order: count line breaks once through the text
    for piece in pieces:
        line += text.count("\n", counted, piece.start)
        counted = piece.start
        dropped.append(DroppedLine(line, text[piece.start : piece.end], piece.reason, piece.start))
    return blank(text, pieces), tuple(dropped)
