"""The one interface both search engines implement, and the shapes they return."""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from forum.search.documents import Document, DocumentSource
from forum.search.query import ParsedQuery, SearchRequest

# Two control characters that never survive into indexed text (documents.plain) mark matches
# in snippets; `segments` turns them into (text, matched) pieces the templates escape.
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_CHARS = 240
# Counting stops here: a broad query's exact size costs a full scan and nobody pages that far
# (MAX_PAGE × the web's page size); pages show "1,000+".
COUNT_CAP = 1000


class IndexBusy(Exception):
    """Another process holds the index for writing (a rebuild): try again later."""


@dataclass
class Hit:
    kind: str
    object_id: int
    ref_id: int
    title: str
    product: str
    tags: tuple[str, ...]
    created_at: datetime | None
    score: int
    accepted: bool
    solved: bool
    relevance: float = 0.0
    language: str = "en"
    title_segments: list[tuple[str, bool]] = field(default_factory=list)
    snippet: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.object_id}"

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)


@dataclass
class Results:
    hits: list[Hit]
    total: int
    capped: bool = False  # more than COUNT_CAP matched; `total` is COUNT_CAP


def segments(marked: str) -> list[tuple[str, bool]]:
    """Split text carrying MARK_START/MARK_END into (text, is_match) pieces."""
    pieces: list[tuple[str, bool]] = []
    inside = False
    buffer = ""
    for ch in marked:
        if ch in (MARK_START, MARK_END):
            if buffer:
                pieces.append((buffer, inside))
            buffer, inside = "", ch == MARK_START
        else:
            buffer += ch
    if buffer:
        pieces.append((buffer, inside))
    return pieces


def lead(text: str, limit: int = SNIPPET_CHARS) -> list[tuple[str, bool]]:
    """The start of a text as an unhighlighted snippet, cut at a word boundary."""
    if len(text) <= limit:
        return [(text, False)] if text else []
    cut = text[:limit].rsplit(" ", 1)[0]
    return [(cut + " …", False)]


Progress = Callable[[int], None]


class SearchBackend(ABC):
    """Index documents and answer searches; the same contract on every engine.

    Writes are idempotent upserts by document key. `refresh` re-reads one reference from its
    source while holding the engine's write lock, so concurrent updates of the same thread
    can't apply out of order. Searches never raise on user input: the query arrives parsed.
    """

    name: str

    @abstractmethod
    def update(self, documents: Iterable[Document] = (), gone: Iterable[str] = ()) -> None:
        """Upsert documents and delete keys, atomically."""

    def index(self, documents: Iterable[Document]) -> None:
        self.update(documents, ())

    def delete(self, keys: Iterable[str]) -> None:
        self.update((), keys)

    @abstractmethod
    def refresh(self, source: DocumentSource, ref_id: int) -> None:
        """Bring one reference's documents up to date; raises IndexBusy when locked out."""

    @abstractmethod
    def search(self, request: SearchRequest) -> Results:
        """One page of hits for a parsed query and filters, with highlighted snippets."""

    @abstractmethod
    def exists(self, request: SearchRequest) -> bool:
        """Whether anything matches (cheap: no ranking, no counting)."""

    @abstractmethod
    def similar(self, query: ParsedQuery, *, kinds: tuple[str, ...], product: str | None = None,
                limit: int = 5) -> list[Hit]:
        """Documents sharing the most words with a draft title (any word may match)."""

    @abstractmethod
    def suggest(self, query: ParsedQuery) -> dict[str, str]:
        """Spelling corrections for words the index doesn't know: {typed: suggested}."""

    @abstractmethod
    def rebuild(self, sources: list[DocumentSource], *, batch_size: int = 500,
                progress: Progress | None = None) -> int:
        """Replace the whole index with what the sources yield now; returns documents indexed."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every document."""

    @abstractmethod
    def count(self) -> int:
        """How many documents are indexed."""

    @abstractmethod
    def keys(self) -> set[str]:
        """Every indexed document key (consistency checks)."""

    def close(self) -> None:  # noqa: B027 - an optional hook: only engines holding files need it
        """Release what this thread holds open (searchers); the next use reopens."""
