"""Extractive summary: a gist from the top-level headings, key sentences by TextRank, keywords.

Sentences are ranked by TextRank over jieba words, with the generic 公文 vocabulary in
data/stopwords.txt left out. The similarity graph stays sparse so long reports cost near-linear time:
a sentence meets only the sentences next to it in each of its words' posting lists, and keeps its
strongest few neighbours. Every tie is broken by position, so the same input gives the same summary.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tasks.model import Block, BlockKind, Document, Heading, KeySentence, Summary
from tasks.words import cut

_STOPWORDS_FILE = Path(__file__).parent / "data" / "stopwords.txt"

# A sentence ends at 。！？ (plus closing quotes); ；and ， do not end one, so nothing is cut mid-sentence.
_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?…]+[”’」』）)]*)?")
# Numbering that opens a provision ("一、", "（二）", "3.", "第四，") labels a sentence; it is not part of it.
_MARKER = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.．]|\d+[、.．]|第[一二三四五六七八九十]+[，、])"
)
_LEADING_JUNK = "，,、；;：:。 \u3000\t"
_CLAUSE_END = re.compile(r"[，,；;：:。！？!?]")
_CN_DIGITS = "零一二三四五六七八九"

_MIN_SENTENCE_CHARS = 10  # shorter ones ("抓而不好。") rarely stand alone in a summary
_POSTING_WINDOW = 10  # neighbours looked at on each side in a word's posting list
_MAX_NEIGHBOURS = 10  # edges a sentence keeps, strongest first
_MAX_WORD_NEIGHBOURS = 10  # edges a word keeps in the keyword graph
_KEYWORD_VOCABULARY = 800  # most frequent content words that may become keywords
_PAGERANK_ROUNDS = 40
_LEAD_BONUS = 1.2  # official texts state a section's point in its first sentence
_HEADING_WEIGHT = 1.0  # prior gained by a sentence holding all the words of its headings
_MIN_SECTION_SHARE = 60  # characters a section's sentence may use even when sections are many
_MAX_POINT_CHARS = 20  # longest gist point before it is cut at a word boundary
_COOCCURRENCE_WINDOW = 3  # word graph: words this close in a sentence are linked
_MIN_PHRASE_COUNT = 3


@dataclass(frozen=True)
class _Sentence:
    text: str
    block_index: int
    section: int  # ordinal of the top-level section it sits in; -1 before the first one
    prior: float  # weight from position and from words shared with its headings
    words: tuple[str, ...]  # all words, in order (for keywords)
    terms: tuple[str, ...]  # distinct content words, in order of first use (for similarity)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    lines = _STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=65536)
def _is_content(word: str) -> bool:
    """A word that can say what a text is about: two or more characters, not a number, not a stop word."""
    return len(word) >= 2 and any("\u4e00" <= ch <= "\u9fff" for ch in word) and word not in stopwords()


def _top_headings(doc: Document) -> tuple[Heading, ...]:
    """The headings of the highest level present (usually 一、二、 ...)."""
    top = min((h.level for h in doc.outline), default=0)
    return tuple(h for h in doc.outline if h.level == top)


def _is_top(heading: Heading | None, top: tuple[Heading, ...]) -> bool:
    return heading is not None and any(heading is h for h in top)


def _body_text(block: Block) -> str:
    """The block's text without its inline heading run: that run is a heading, not a sentence."""
    return "".join(run.text for run in block.runs if run.heading_level is None)


def _split(text: str) -> list[str]:
    """Sentences of `text`, each stripped of leading punctuation and numbering."""
    sentences = []
    for match in _SENTENCE.finditer(text):
        sentence = _MARKER.sub("", match.group().lstrip(_LEADING_JUNK)).lstrip(_LEADING_JUNK).rstrip()
        if sentence:
            sentences.append(sentence)
    return sentences


def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in cut(text) if _is_content(w))


def _sentences(doc: Document, top: tuple[Heading, ...]) -> list[_Sentence]:
    section = -1
    after_heading = False
    section_words: frozenset[str] = frozenset()
    context: frozenset[str] = frozenset()  # words of the top-level heading and the nearest heading
    found: list[_Sentence] = []
    for index, block in enumerate(doc.blocks):
        if block.heading is not None and block.heading.kind == "heading":
            after_heading = True
            heading_words = _content_words(block.heading.title)
            if _is_top(block.heading, top):
                section += 1
                section_words = heading_words
            context = section_words | heading_words
        if block.kind != BlockKind.PARAGRAPH:
            continue
        for text in _split(_body_text(block)):
            words = tuple(cut(text))
            terms = tuple(dict.fromkeys(w for w in words if _is_content(w)))
            if len(text) < _MIN_SENTENCE_CHARS or not terms:
                continue
            # A sentence that restates its heading, or opens its section, carries the section's point.
            echo = len(context.intersection(terms)) / len(context) if context else 0.0
            prior = (1 + _HEADING_WEIGHT * echo) * (_LEAD_BONUS if after_heading else 1.0)
            found.append(_Sentence(text, index, section, prior, words, terms))
            after_heading = False
    return found


def _pagerank(graph: list[dict[int, float]], damping: float = 0.85) -> list[float]:
    """PageRank over a symmetric weighted graph given as adjacency dicts; stops once ranks settle."""
    strength = [sum(edges.values()) or 1.0 for edges in graph]
    rows = [[(j, w / strength[j]) for j, w in edges.items()] for edges in graph]
    scores = [1.0] * len(graph)
    for _ in range(_PAGERANK_ROUNDS):
        new = [(1 - damping) + damping * sum(w * scores[j] for j, w in row) for row in rows]
        settled = max((abs(a - b) for a, b in zip(new, scores, strict=True)), default=0.0) < 1e-4
        scores = new
        if settled:
            break
    return scores


def _strongest(candidates: list[dict[int, float]], keep: int) -> list[dict[int, float]]:
    """Each node's `keep` heaviest edges (ties to the earlier node), made symmetric."""
    graph: list[dict[int, float]] = [{} for _ in candidates]
    for i, edges in enumerate(candidates):
        for j, weight in heapq.nlargest(keep, edges.items(), key=lambda jw: (jw[1], -jw[0])):
            graph[i][j] = weight
            graph[j][i] = weight
    return graph


def _sentence_graph(sentences: list[_Sentence]) -> list[dict[int, float]]:
    """TextRank similarity (shared words / log lengths), sparse: near posting-list neighbours only."""
    postings: dict[str, list[int]] = {}
    slots: list[list[tuple[str, int]]] = []
    for i, sentence in enumerate(sentences):
        own = []
        for term in sentence.terms:
            posting = postings.setdefault(term, [])
            own.append((term, len(posting)))
            posting.append(i)
        slots.append(own)
    norms = [math.log(2 + len(s.terms)) for s in sentences]
    candidates: list[dict[int, float]] = []
    for i, own in enumerate(slots):
        shared: Counter[int] = Counter()
        for term, slot in own:
            posting = postings[term]
            shared.update(posting[max(0, slot - _POSTING_WINDOW) : slot])
            shared.update(posting[slot + 1 : slot + 1 + _POSTING_WINDOW])
        candidates.append({j: count / (norms[i] + norms[j]) for j, count in shared.items()})
    return _strongest(candidates, _MAX_NEIGHBOURS)


def _select(sentences: list[_Sentence], scores: list[float], budget: int) -> list[int]:
    """Best sentence of each top-level section first, then the best of the rest, within the budget."""
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    sections = sorted({s.section for s in sentences if s.section >= 0})
    share = max(budget // max(len(sections), 1), _MIN_SECTION_SHARE)
    firsts = []
    for section in sections:
        members = [i for i in ranked if sentences[i].section == section]
        fitting = [i for i in members if len(sentences[i].text) <= share]
        if members:
            firsts.append(fitting[0] if fitting else min(members, key=lambda i: len(sentences[i].text)))
    chosen: list[int] = []
    used = 0
    # When the sections outnumber what the budget holds, the strongest sections get their sentence.
    for i in sorted(firsts, key=lambda i: (-scores[i], i)) + ranked:
        size = len(sentences[i].text)
        if i not in chosen and used + size <= budget:
            chosen.append(i)
            used += size
    return sorted(chosen)


def _word_ranks(sentences: list[_Sentence]) -> dict[str, float]:
    """TextRank over the most frequent content words, linked when they stand close in a sentence."""
    freq = Counter(w for s in sentences for w in s.words if _is_content(w))
    # Keywords are frequent words; a fixed vocabulary keeps the cost flat for long texts.
    vocab = {w: i for i, (w, _) in enumerate(freq.most_common(_KEYWORD_VOCABULARY))}
    near: Counter[tuple[int, int]] = Counter()
    for sentence in sentences:
        ids = [vocab[w] for w in sentence.words if w in vocab]
        for gap in range(1, _COOCCURRENCE_WINDOW + 1):
            near.update(zip(ids, ids[gap:], strict=False))
    links: list[dict[int, float]] = [{} for _ in vocab]
    for (a, b), count in near.items():
        if a != b:
            links[a][b] = links[a].get(b, 0.0) + count
            links[b][a] = links[b].get(a, 0.0) + count
    scores = _pagerank(_strongest(links, _MAX_WORD_NEIGHBOURS))
    return {word: scores[i] for word, i in vocab.items()}


def _keywords(sentences: list[_Sentence], count: int) -> tuple[str, ...]:
    """Top words by TextRank; two words that mostly occur together ("脱贫"+"攻坚") become one phrase."""
    ranks = _word_ranks(sentences)
    freq: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for sentence in sentences:
        freq.update(sentence.words)
        pairs.update(
            pair for pair in itertools.pairwise(sentence.words) if pair[0] in ranks and pair[1] in ranks
        )
    candidates = dict(ranks)
    for (a, b), together in pairs.items():
        rarer, commoner = sorted((freq[a], freq[b]))
        if together >= _MIN_PHRASE_COUNT and together * 2 >= rarer and together * 3 >= commoner:
            candidates[a + b] = max(ranks[a], ranks[b])
            for part in (a, b):
                if together * 10 >= freq[part] * 7:  # the part rarely appears alone
                    candidates.pop(part, None)
    ordered = sorted(candidates.items(), key=lambda kv: (-kv[1], kv[0]))
    picked: list[str] = []
    for term, _ in ordered:
        if len(picked) == count:
            break
        if not any(term in other or other in term for other in picked):
            picked.append(term)
    return tuple(picked)


def _chinese_number(n: int) -> str:
    if n < 10:
        return "两" if n == 2 else _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _points(titles: list[str]) -> list[str]:
    """The leading point of each heading: its first clause, cut short at a word boundary.

    Parallel headings that open with the same one-character verb (讲学习不放松, 讲团结, 讲责任 ...)
    shorten further to verb + object (讲学习, 讲团结, 讲责任).
    """
    clauses = [_CLAUSE_END.split(title, maxsplit=1)[0].strip() or title for title in titles]
    words = [cut(clause) for clause in clauses]
    lead = words[0][0]
    if (
        len(words) > 1
        and len(lead) == 1
        and all(len(w) > 1 and w[0] == lead and _is_content(w[1]) for w in words)
    ):
        return [lead + w[1] for w in words]
    points = []
    for clause, parts in zip(clauses, words, strict=True):
        point = ""
        for part in parts:
            if len(point) + len(part) > _MAX_POINT_CHARS:
                break
            point += part
        points.append(point or clause[:_MAX_POINT_CHARS])
    return points


def _gist(doc: Document, top: tuple[Heading, ...]) -> str:
    if not top:
        return doc.title
    points = _points([h.title for h in top])
    if len(points) == 1:
        return points[0]
    return f"共{_chinese_number(len(points))}个方面：{'、'.join(points)}。"


def summarize(doc: Document, budget_chars: int = 300, keyword_count: int = 8) -> Summary:
    """Gist, key sentences in document order (at most `budget_chars` characters in all), keywords."""
    top = _top_headings(doc)
    sentences = _sentences(doc, top)
    scores = _pagerank(_sentence_graph(sentences))
    scores = [score * s.prior for score, s in zip(scores, sentences, strict=True)]
    chosen = _select(sentences, scores, budget_chars)
    return Summary(
        gist=_gist(doc, top),
        sentences=tuple(
            KeySentence(sentences[i].text, sentences[i].block_index, round(scores[i], 4)) for i in chosen
        ),
        keywords=_keywords(sentences, keyword_count),
    )


def summary_markdown(doc: Document, summary: Summary) -> str:
    """summary.md: title, gist, key sentences in order, keywords."""
    lines = [f"# {doc.title or '摘要'}", "", f"**要点**：{summary.gist}", "", "## 关键句", ""]
    lines += [f"{n}. {s.text}" for n, s in enumerate(summary.sentences, start=1)]
    lines += ["", "## 关键词", "", "、".join(summary.keywords), ""]
    return "\n".join(lines)


def summary_dict(summary: Summary) -> dict[str, object]:
    """summary.json."""
    return {
        "gist": summary.gist,
        "text": summary.text,
        "chars": len(summary.text),
        "sentences": [
            {"text": s.text, "block_index": s.block_index, "score": s.score} for s in summary.sentences
        ],
        "keywords": list(summary.keywords),
    }
