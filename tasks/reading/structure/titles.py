"""The document's title when the text has no title line: metadata, the opening words, a Chinese file name.

A speech that names its occasion in the standard way gets the standard title for it:
`今天，我们召开科学家座谈会` (or `这次全省X会议的主要任务是`) -> `在科学家座谈会上的讲话`;
`我就《……》起草的有关情况向全会作说明` -> `关于《……》的说明`. A file name serves only when it is
Chinese: an ASCII name such as "xi_2020_0223_epidemic_work_speech" is a label for files, never a title.
Failing all, there is no title, and a warning says how to give one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from tasks.model import Diagnostic
from tasks.text.chars import CJK_TEXT, HAN

_MEETING = (
    r"(?:座谈会|工作会议|会议|大会|推进会|动员会|部署会|交流会|报告会|论坛|研讨会|研讨班|培训班|开班式"
    r"|开幕式|典礼|仪式)"
)
_OCCASION = re.compile(
    rf"今天[上下]?午?，?(?:我们|党中央|中央)?(?:在这里)?(?:召开|举行|举办)(?:这次)?([^，。；！？“”]{{2,40}}?{_MEETING})[，。]"
    rf"|(?:这次|本次)([^，。；！？“”]{{2,40}}?{_MEETING})的主要任务"
)
_EXPLANATION = re.compile(r"我(?:代表[^，。]{1,20}，?)?就(《[^《》]{2,80}》)[^。]{0,30}?作(?:简要)?说明")
_HAN = re.compile(f"[{HAN}]")
_LATIN = re.compile(r"[A-Za-z]")
_CJK_GAP = re.compile(f"(?<=[{CJK_TEXT}]) +(?=[{CJK_TEXT}])")


@dataclass(frozen=True)
class Title:
    text: str  # "" for none
    source: str  # "text", "metadata", "inferred", "file name" or "none"
    warning: Diagnostic | None = None


def how_to_title(source_name: str) -> str:
    """How to give a text its title: a first line, or the metadata sidecar (tasks/reading/metadata.py)."""
    sidecar = PurePath(source_name).with_suffix(".toml").name
    return f'put the title on the first line of the text, or in {sidecar} beside it: title = "……"'


def inferred_title(opening: str) -> str | None:
    """The standard title for the occasion the opening words (of the body) name, or None."""
    meeting = _OCCASION.search(opening)
    if meeting:
        return f"在{meeting.group(1) or meeting.group(2)}上的讲话"
    explained = _EXPLANATION.search(opening)
    return f"关于{explained.group(1)}的说明" if explained else None


def title_from_file_name(source_name: str) -> str:
    """A Chinese file name read as a title, its underscores as spaces ("关于_开展_检查的通知" reads
    "关于开展检查的通知"); "" for a name with Latin letters or without Chinese."""
    stem = PurePath(source_name).stem
    if not _HAN.search(stem) or _LATIN.search(stem):
        return ""
    return _CJK_GAP.sub("", " ".join(stem.replace("_", " ").split()))


def choose_title(text_title: str | None, metadata_title: str | None, opening: str, source_name: str) -> Title:
    """The text's own title; else metadata's; else one inferred from the opening; else the file name's."""
    if text_title:
        return Title(text_title, "text")
    if metadata_title:
        return Title(metadata_title, "metadata")
    inferred = inferred_title(opening)
    if inferred:
        message = f"no title line: the title {inferred} is inferred from the opening words; to set another, "
        return Title(inferred, "inferred", Diagnostic("title", 1, 1, message + how_to_title(source_name)))
    named = title_from_file_name(source_name)
    if named:
        return Title(named, "file name")
    message = "no title: the text has no title line and its file name is not Chinese; to add one, "
    return Title("", "none", Diagnostic("title", 1, 1, message + how_to_title(source_name)))
