"""Why a document failed, in Chinese for the page: the recorded reason (English, as the command line
and the failure records give it) matched against the known kinds of failure.

The recorded reason stays beside the Chinese one on the page: it names the line, byte or limit.
"""

from __future__ import annotations

import re

# (pattern of the recorded reason, what the page says); the first that matches wins.
_KNOWN = (
    (r"file is empty|holds only whitespace|holds no text|DOCX has no text", "文件是空的，没有可转换的文字"),
    (r"unsupported file type", "不支持的文件类型，请上传 .txt 或 .docx 文件"),
    (r"over the limit of .* \(max_input_bytes\)", "文件太大，超过了允许的大小"),
    (r"pages, over the limit of .* \(max_pages\)", "文档页数超过了允许的上限"),
    (r"binary data|cannot decode|invalid \S+ at byte", "不是文本文件，或文字编码无法识别"),
    (r"not a valid DOCX|DOCX .*(zip bomb|refused|damaged|has no)", "Word 文件已损坏或无法读取"),
    (r"\(document_timeout\)", "转换超时"),
    (r"metadata|front matter|not valid TOML", "文件开头的元数据（日期、发文机关等）格式有误"),
    (r"symbolic link|not a regular file|a directory, not a file|no such file", "不是普通文件，未处理"),
    (r"cannot read|Permission denied", "文件无法读取"),
    (r"font", "缺少所需的字体"),
)
_PATTERNS = tuple((re.compile(pattern, re.IGNORECASE), chinese) for pattern, chinese in _KNOWN)
UNKNOWN = "转换失败"


def in_chinese(reason: str) -> str:
    """The Chinese reason for a recorded one; 转换失败 for a failure of an unknown kind."""
    return next((chinese for pattern, chinese in _PATTERNS if pattern.search(reason)), UNKNOWN)
