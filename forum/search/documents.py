"""The search document model, and the registry of sources that produce documents.

A backend indexes `Document`s and knows nothing about questions or answers. A
`DocumentSource` turns one kind of content into documents: it says which documents a
reference (a thread, an article…) currently yields and which must go, streams everything for a
rebuild, re-checks visibility at query time and links a hit to its page. Questions and answers
come from the thread source (forum/search/sources.py); knowledge articles are added by
registering one more source with kind "article", with no change to the backends.
"""

import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

BODY_CHARS = 20_000
MAX_RANK_BOOST = 4.0  # an upper bound the Whoosh scorer needs for skipping; accepted × a huge score
_SPACE_RE = re.compile(r"\s+")


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co")


def plain(text: str | None, limit: int = BODY_CHARS) -> str:
    """Text for the index: no control characters (the highlighters use two as markers), one space."""
    text = _SPACE_RE.sub(" ", (text or "")[:limit])
    if not text.isprintable():  # fast path: once whitespace is one space, most posts are printable
        text = _SPACE_RE.sub(" ", "".join(" " if _is_control(ch) else ch for ch in text))
    return text.strip()


@dataclass(frozen=True)
class Document:
    """One searchable thing. `ref_id` is what the source re-reads it by (the thread for Q&A).

    `index_title` is False for documents that only display a title they don't own (an answer
    shows its question's title but must not outrank the question for it). `language` is what
    the text is written in (an answer shares its question's).
    """

    kind: str
    object_id: int
    ref_id: int
    title: str
    body: str
    product: str
    tags: tuple[str, ...] = ()
    created_at: datetime | None = None
    score: int = 0
    accepted: bool = False
    solved: bool = False
    index_title: bool = True
    language: str = "en"  # a shipped Language code: the stemmer and stop words its text is indexed with

    @property
    def key(self) -> str:
        return document_key(self.kind, self.object_id)

    @property
    def rank_boost(self) -> float:
        """The factor relevance is multiplied by: accepted and well-voted content first."""
        boost = 1.0
        if self.accepted:
            boost *= 1.5
        elif self.solved:
            boost *= 1.25
        if self.score > 0:
            boost *= 1.0 + 0.1 * math.log1p(self.score)
        elif self.score < 0:
            boost *= 0.8
        return round(min(boost, MAX_RANK_BOOST), 4)


def document_key(kind: str, object_id: int) -> str:
    return f"{kind}:{object_id}"


@dataclass(frozen=True)
class Snapshot:
    """What a reference yields now: documents to (re)index and keys to delete."""

    documents: list[Document] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class KindLabels:
    """The words for one kind of result, each written whole so that no language has to derive one
    from another: the filter's choice, a hit's badge, and the sentence its date goes in."""

    many: str  # "Questions"
    one: str  # "Question"
    only: str  # "Questions only"
    dated: str  # "asked %(when)s"


class DocumentSource(Protocol):
    name: str
    kinds: tuple[str, ...]
    labels: dict[str, KindLabels]

    def snapshot(self, ref_id: int) -> Snapshot:
        """The documents `ref_id` yields now, and the keys of its documents that must disappear."""

    def count(self) -> int:
        """How many references a rebuild will read (for the progress bar)."""

    def batches(self, size: int) -> Iterator[tuple[int, list[Document]]]:
        """Every visible document, as (references read, documents) batches of about `size` references."""

    def visible(self, kind: str, object_ids: set[int]) -> set[int]:
        """Which of these ids are still public right now (query-time guard against a lagging index)."""

    def link(self, kind: str, object_id: int, ref_id: int, title: str) -> str:
        """The page a hit leads to (called inside a request)."""


_sources: dict[str, DocumentSource] = {}


def register(source: DocumentSource) -> DocumentSource:
    """Add a source; its kinds become searchable and filterable."""
    for other in _sources.values():
        if other.name != source.name and set(other.kinds) & set(source.kinds):
            raise ValueError(f"kind already provided by source {other.name!r}")
    _sources[source.name] = source
    return source


def source(name: str) -> DocumentSource:
    return _sources[name]


def sources() -> list[DocumentSource]:
    return list(_sources.values())


def source_for_kind(kind: str) -> DocumentSource | None:
    return next((s for s in _sources.values() if kind in s.kinds), None)


def kinds() -> dict[str, KindLabels]:
    """Every registered kind with its labels, e.g. {"question": KindLabels("Questions", …)}."""
    return {kind: s.labels[kind] for s in _sources.values() for kind in s.kinds}
