"""summary.md and summary.json."""

from __future__ import annotations

import re

from tasks.model import Document, KeySentence, Summary

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _is_title(doc: Document, sentence: KeySentence) -> bool:
    heading = doc.blocks[sentence.block_index].heading
    return heading is not None and heading.kind == "heading" and sentence.text.rstrip("。") == heading.title


def _shown(doc: Document, sentence: KeySentence) -> str:
    """A title in bold; its closing 。 stays outside the ** so that the emphasis closes in CommonMark."""
    if not _is_title(doc, sentence):
        return _escape(sentence.text)
    title = sentence.text.removesuffix("。")
    return f"**{_escape(title)}**{sentence.text[len(title) :]}"


def _paragraphs(doc: Document, summary: Summary) -> list[str]:
    """One paragraph per top-level section, opened by its number ("一、"); the text before the first
    section's heading, if any, is a paragraph of its own."""
    top = min((h.level for h in doc.outline), default=0)
    numbers = {
        i: b.heading.number
        for i, b in enumerate(doc.blocks)
        if b.heading is not None and b.heading.kind == "heading" and b.heading.level == top
    }
    groups: dict[int, list[str]] = {}
    for sentence in summary.sentences:
        start = max((i for i in numbers if i <= sentence.block_index), default=-1)
        groups.setdefault(start, []).append(_shown(doc, sentence))
    return [numbers.get(start, "") + "".join(parts) for start, parts in groups.items()]


def summary_markdown(doc: Document, summary: Summary) -> str:
    """Title, gist, key sentences (a paragraph per top-level section, titles in bold), keywords."""
    lines = [f"# {_escape(doc.title) or '摘要'}", "", f"**要点**：{_escape(summary.gist)}", ""]
    if summary.sentences:
        lines += ["## 关键句", ""]
        for paragraph in _paragraphs(doc, summary):
            lines += [paragraph, ""]
    if summary.keywords:
        lines += ["## 关键词", "", "、".join(_escape(k) for k in summary.keywords), ""]
    return "\n".join(lines)


def summary_dict(summary: Summary) -> dict[str, object]:
    """summary.json (also the "summary" entry of report.json); `chars` counts gist and key sentences."""
    return {
        "gist": summary.gist,
        "text": summary.text,
        "chars": len(summary.gist) + len(summary.text),
        "sentences": [
            {"text": s.text, "block_index": s.block_index, "score": s.score} for s in summary.sentences
        ],
        "keywords": list(summary.keywords),
    }
