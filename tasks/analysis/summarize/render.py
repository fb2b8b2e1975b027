"""summary.md and summary.json."""

from __future__ import annotations

import re

from tasks.model import BlockKind, Document, KeySentence, Summary

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _shown(sentence: KeySentence) -> str:
    """A line's key phrase in bold; the ： after it stays outside the ** so that the emphasis closes
    in CommonMark."""
    if not sentence.label or not sentence.text.startswith(sentence.label):
        return _escape(sentence.text)
    return f"**{_escape(sentence.label)}**{_escape(sentence.text[len(sentence.label) :])}"


def _paragraphs(doc: Document, summary: Summary) -> list[str]:
    """One paragraph per point line, opened by its heading's number ("一、"); unlabelled sentences
    next to each other share a paragraph."""
    paragraphs: list[str] = []
    loose = False  # the last paragraph holds unlabelled sentences
    for sentence in summary.sentences:
        heading = None if sentence.heading_index is None else doc.blocks[sentence.heading_index].heading
        names_a_text = doc.blocks[sentence.block_index].kind in (
            BlockKind.TITLE,
            BlockKind.ATTACHMENT,
            BlockKind.ATTACHMENT_LABEL,
        )
        if sentence.label or names_a_text or not loose or not paragraphs:
            paragraphs.append((heading.number if heading is not None else "") + _shown(sentence))
        else:
            paragraphs[-1] += _shown(sentence)
        loose = not (sentence.label or names_a_text)
    return paragraphs


def _issued(doc: Document) -> str:
    """Who issued the text and when, as written: its signature (joint issuers side by side), its
    document number and its date."""
    signers: list[str] = []
    number = date = ""
    for block in doc.blocks:
        if block.kind == BlockKind.SIGNATURE and not date:
            signers.append(block.text.strip())
        elif block.kind == BlockKind.DOC_NUMBER:
            number = number or block.text.strip()
        elif block.kind == BlockKind.SIGNED_DATE and signers:
            date = date or block.text.strip()
    if not signers:
        return ""
    return "　".join(signers) + (f"（{number}）" if number else "") + (f"，{date}" if date else "")


def summary_markdown(doc: Document, summary: Summary) -> str:
    """Title, who issued it and when (a signed text), gist, the points with their key content (a
    paragraph each), keywords."""
    lines = [f"# {_escape(doc.title) or '摘要'}", ""]
    if issued := _issued(doc):
        lines += [f"**发文**：{_escape(issued)}", ""]
    lines += [f"**要点**：{_escape(summary.gist)}", ""]
    if summary.sentences:
        lines += ["## 关键句", ""]
        for paragraph in _paragraphs(doc, summary):
            lines += [paragraph, ""]
    if summary.keywords:
        lines += ["## 关键词", "", "、".join(_escape(k) for k in summary.keywords), ""]
    return "\n".join(lines)


def summary_dict(summary: Summary) -> dict[str, object]:
    """summary.json (also the "summary" entry of report.json); `chars` counts gist and key sentences.

    Each key sentence names its source: the block it is read from (`block_index`) and, when it opens
    with its section heading's key phrase (`label`), that heading's block (`heading_index`).
    """
    return {
        "kind": summary.kind,
        "gist": summary.gist,
        "text": summary.text,
        "chars": len(summary.gist) + len(summary.text),
        "sentences": [
            {
                "text": s.text,
                "block_index": s.block_index,
                "score": s.score,
                "label": s.label,
                "heading_index": s.heading_index,
                "blocks": list(s.blocks or (s.block_index,)),
            }
            for s in summary.sentences
        ],
        "keywords": list(summary.keywords),
    }
