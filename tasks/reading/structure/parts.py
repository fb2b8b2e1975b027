"""Recognisers for the non-heading parts of a speech or formal document.

Each answers one question about one stripped paragraph; where the paragraph sits (top, end) is
decided by the caller.
"""

from __future__ import annotations

import re

from tasks.text.chars import HAN, PUNCTUATION, SENTENCE_MARKS, SPACES
from tasks.text.markers import parse_marker

_CN_DIGIT = "〇零○Ｏ一二三四五六七八九十"
_DATE = rf"(?:\d{{4}}|[{_CN_DIGIT}]{{4}})\s*年\s*[\d{_CN_DIGIT}]{{1,3}}\s*月\s*[\d{_CN_DIGIT}]{{1,3}}\s*日"

# 国办发〔2018〕123号; a 纪要 or 简报 numbers its issues: 〔2023〕第9次, 〔2023〕12期.
_DOC_NUMBER = re.compile(
    rf"[{HAN}]{{0,12}}\s*[〔\[【(（]\s*\d{{4}}\s*[〕\]】)）]\s*第?\s*\d{{1,4}}\s*(?:号|期|次)"
)
_DATE_LINE = re.compile(rf"[（(][^（）()]{{0,20}}?{_DATE}[^（）()]{{0,12}}[）)]")
_PLAIN_DATE = re.compile(_DATE)
_SUBTITLE = re.compile(r"(?:——|--|－－|――|──|—|-{2,}|―)\s*\S")
# A subtitle a scrape lost its dash from: 2026年2月3日在四川省第十四届人民代表大会第五次会议上
_OCCASION_LINE = re.compile(rf"{_DATE}\s*在[^，。；！？]{{2,60}}上")
_SALUTATION_START = re.compile(
    r"(?:同志们|各位|尊敬的|亲爱的|女士们|先生们|朋友们|老师们|同学们|各[省市县区乡镇])"
)
# An agency's name ends in its kind: 人民政府, 自然资源厅, 直属机构 …; 部门 and 单位 address a group
# (各单位, 有关部门), never one: "填报单位：" opens a form.
_AGENCY = r"(?:政府|委员会|办公厅|办公室|机构|党委|党组|部委|办事处|厅|局|委|办|院|署|中心|公司|集团|学校)"
_AGENCY_END = re.compile(rf"(?:{_AGENCY}|(?:各|有关)[{HAN}]{{0,6}}?(?:部门|单位))[：:]")
_AGENCY_NAME = re.compile(rf"[{HAN}（）]{{2,30}}{_AGENCY}")
_AGENCY_MARK = re.compile(rf"[{HAN}（）\s]{{2,40}}文件")  # 发文机关标志: 云山市人民政府办公室文件
_CLOSING = re.compile(
    r"(?:谢谢(?:大家|各位|你们)?|特此(?:通知|报告|函告|函达|函复|批复|公告|通告|通报|说明|证明|请示)"
    r"|此复|此函|盼复|专此(?:函告|报告)|(?:妥否|当否)，?请(?:批示|批复|函复|示)"
    r"|以上(?:报告|请示)，?请(?:予)?(?:审议|批示|审阅)|请予?(?:函复|批复)|现予(?:公布|印发))[。！!.]?"
)
_ATTACHMENT_LABEL = re.compile(rf"附\s*件\s*[\d{_CN_DIGIT}]*\s*[:：]?")
_ATTACHMENT_NOTE = re.compile(rf"附\s*件\s*[\d{_CN_DIGIT}]*\s*[:：]\s*\S.*")
_LIST_ITEM = re.compile(r"\d{1,2}\s*[.．、]\s*[^。；，,;]+")  # 2.突发事件信息报告流程
# The pieces of an attachment line: its label (附件： / 附件2：), an item's number (1.), the name.
_LINE_LABEL = re.compile(rf"附\s*件\s*[\d{_CN_DIGIT}]*\s*[:：]?\s*")
_ITEM_NUMBER = re.compile(r"\d{1,2}\s*[.．、]\s*")
_SPEAKER_ROLE = re.compile(
    r"(?:书记|市长|区长|县长|省长|主任|部长|局长|厅长|主席|委员|秘书长|总理|院长|校长|处长|同志|董事长|总经理|代表)"
)
_SPACED_OUT = re.compile(rf"(?:[{HAN}][{SPACES}]+)+[{HAN}]")
_NAME = re.compile(rf"[{HAN}]{{1,2}}[{SPACES}]*[{HAN}]{{1,2}}")
_BINDING_ENDS = ("的", "和", "与", "及", "关于", "对", "在", "为", "暨", "并", "进一步", "加强", "推进", "、")
_GENRE_END = re.compile(
    r"(?:通知|意见|报告|讲话|决定|办法|规定|方案|批复|函|纪要|公告|通报|请示|条例|细则|规划|要点|总结"
    r"|发言|致辞|讲稿|说明)$"
)
_NOTE = re.compile(r"[（(][^（）()]{1,30}[）)]")
# The 版记 (GB/T 9704 7.4): "抄送：……。" (主送 moved down, or the older 抄报, alike), continued lines of
# agencies, and the printing office with the date, spaced any way, maybe followed by （共印50份）.
_DISTRIBUTION = re.compile(r"((?:抄\s*送|抄\s*报|主\s*送)\s*[:：])\s*([^。！？；!?;:：]*。?)")
_DISTRIBUTION_MORE = re.compile(r"[^。！？；!?;:：]+。?")
_COPY_LIST = 300  # characters of a 抄送 line: a long list of agencies, never a paragraph of prose
_PRINTED_BY = re.compile(
    rf"([^，。；：！？,;:!?《》“”]{{0,40}}?)\s*({_DATE}\s*印\s*发(?:\s*[（(][^（）()]{{1,12}}[）)])?)"
)
_PUNCTUATION = re.compile(f"[{PUNCTUATION}]")
_SENTENCE_END = re.compile(r"[。；！？!?;]")
_SENTENCE_PUNCTUATION = re.compile(f"[{SENTENCE_MARKS}]")
_LONG_TITLE = 100  # one line of a title naming its genre (……关于印发《……》的通知)


def is_doc_number(text: str) -> bool:
    return _DOC_NUMBER.fullmatch(text) is not None


def is_date_line(text: str) -> bool:
    """（2018年1月2日） or （民政部　一九九七年一月二十八日） under a title."""
    return _DATE_LINE.fullmatch(text) is not None


def is_plain_date(text: str) -> bool:
    """2018年12月7日 or 一九九七年四月八日 on its own, as under a signature."""
    return _PLAIN_DATE.fullmatch(text) is not None


def is_subtitle(text: str) -> bool:
    dashed = _SUBTITLE.match(text) is not None
    return (dashed or _OCCASION_LINE.fullmatch(text) is not None) and len(text) <= 80


def names_genre(text: str) -> bool:
    """A title naming the document's kind at its end: ……的通知, 政府工作报告, ……的说明."""
    return _GENRE_END.search(text) is not None


def is_note(text: str) -> bool:
    """（此件公开发布） （本文有删减）: a bracketed remark (附注) on its own line."""
    return _NOTE.fullmatch(text) is not None and not is_date_line(text)


def is_salutation(text: str) -> bool:
    """同志们： 各位代表： or a 主送机关 list "各省、自治区……各直属机构："."""
    return (
        text[-1] in "：:"
        and len(text) <= 120
        and "。" not in text
        and (_SALUTATION_START.match(text) is not None or _AGENCY_END.search(text) is not None)
    )


def is_closing(text: str) -> bool:
    return _CLOSING.fullmatch(text) is not None


def is_attachment_label(text: str) -> bool:
    """附件 / 附件2 / 附件1： on its own line, over an attached text."""
    return _ATTACHMENT_LABEL.fullmatch(text) is not None


def is_attachment_note(text: str) -> bool:
    """附件：1. …… (the 附件说明 under the body), or 附件1：标题 over an attached text."""
    return _ATTACHMENT_NOTE.fullmatch(text) is not None


def is_attachment_item(text: str) -> bool:
    """A further line of a 附件说明 that lists several attachments: "2.突发事件信息报告流程"."""
    return _LIST_ITEM.fullmatch(text) is not None and len(text) <= 60


def attachment_pieces(text: str) -> tuple[str, str, str]:
    """("附件：", "1.", "云山市……方案") for a line of the 附件说明 or an attachment's label; the label
    and the number are "" where the line has none ("2.突发事件信息报告流程" has no label)."""
    label = _LINE_LABEL.match(text)
    start = label.end() if label else 0
    number = _ITEM_NUMBER.match(text, start)
    end = number.end() if number else start
    return text[:start], text[start:end], text[end:]


def is_agency_mark(text: str) -> bool:
    """云山市人民政府办公室文件: the red header line above a formal document."""
    return _AGENCY_MARK.fullmatch(text) is not None


def is_agency_name(text: str) -> bool:
    """中共云山市委办公室, 云山县人民政府: one line of a joint signature."""
    return _AGENCY_NAME.fullmatch(text) is not None


def is_short_label(text: str, limit: int = 40) -> bool:
    """A short line without sentence punctuation: a title, speaker or signature candidate."""
    return len(text) <= limit and not _PUNCTUATION.search(text) and parse_marker(text) is None


def is_title_line(text: str) -> bool:
    """A line of a title: no sentence marks (关于做好元旦、春节期间……的通知 holds 、); a long line
    must name the document's genre at its end."""
    if _SENTENCE_PUNCTUATION.search(text) or parse_marker(text) is not None:
        return False
    return len(text) <= 40 or (len(text) <= _LONG_TITLE and _GENRE_END.search(text) is not None)


def is_headline(text: str) -> bool:
    """A title over a subtitle line may be a slogan with commas: 坚定信心，真抓实干，奋力……."""
    return len(text) <= 60 and _SENTENCE_END.search(text) is None and parse_marker(text) is None


def is_speaker(text: str) -> bool:
    """海拉尔区人民政府区长　　张天喜, 县委副书记、县长　王建国, 张三 or 李 四."""
    if len(text) > 30 or _SENTENCE_PUNCTUATION.search(text) or parse_marker(text) is not None:
        return False
    return _SPEAKER_ROLE.search(text) is not None or _NAME.fullmatch(text) is not None


def continues_title(previous: str, text: str) -> bool:
    """A title broken over lines: 国务院办公厅关于推进 / 政务新媒体健康有序发展的意见."""
    return previous.endswith(_BINDING_ENDS) or _GENRE_END.search(text) is not None


def clean_title(text: str) -> str:
    """政 府 工 作 报 告 -> 政府工作报告; other text as is."""
    if _SPACED_OUT.fullmatch(text):
        return re.sub(f"[{SPACES}]+", "", text)
    return text


def distribution(text: str) -> tuple[str, str] | None:
    """("抄送：", "省委办公厅，省人大常委会办公厅。") for a 抄送 (主送, 抄报) line of the 版记, else None."""
    match = _DISTRIBUTION.fullmatch(text) if len(text) <= _COPY_LIST else None
    return (match.group(1), match.group(2)) if match else None


def continues_distribution(text: str) -> bool:
    """A further line of agencies under a 抄送 line not ended by 。: "省政协办公厅。"."""
    return len(text) <= _COPY_LIST and _DISTRIBUTION_MORE.fullmatch(text) is not None


def printed_by(text: str) -> tuple[str, str] | None:
    """("云山市人民政府办公室", "2018年6月1日印发") for the 版记's last line, office "" when unnamed;
    None for anything else, such as a sentence that says 印发."""
    match = _PRINTED_BY.fullmatch(text)
    return (match.group(1).strip(), match.group(2)) if match else None


def is_print_run_note(text: str) -> bool:
    """（共印50份） on its own line under the 印发 line."""
    return is_note(text) and "份" in text
