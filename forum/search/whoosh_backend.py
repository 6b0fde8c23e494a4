"""The embedded search engine: a Whoosh index on disk (whoosh-reloaded, imported as `whoosh`).

Safe with several gunicorn workers and Celery workers on one machine: every write takes the
index's file lock (one writer at a time, others wait up to SEARCH_WRITE_TIMEOUT and are then
retried by the outbox), a thread re-reads the source only once it holds the lock, and readers
see committed generations only. Each thread keeps one searcher and refreshes it when a newer
generation exists.
"""

import os
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from whoosh import fields, highlight, index, sorting, writing
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.query import And, AndNot, Every, Or, Phrase, Term

from forum.search.backend import (
    COUNT_CAP,
    MARK_END,
    MARK_START,
    SNIPPET_CHARS,
    Hit,
    IndexBusy,
    Progress,
    Results,
    SearchBackend,
    lead,
    segments,
)
from forum.search.documents import Document, DocumentSource
from forum.search.query import ParsedQuery, SearchRequest, Sort


def _cached_reader(self, fieldname, column):
    """W3PerDocReader._cached_reader that also remembers a missing column.

    Upstream re-checks the file system on every call for fields without a length column
    (ids, keywords, the spelling field), one stat() per posting while a segment is written:
    most of a rebuild's time. A written segment's columns never change, so caching "absent"
    is as safe as caching "present".
    """
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
        return reader


W3PerDocReader._cached_reader = _cached_reader

INDEX_NAME = "peercare_v1"  # a schema change gets a new name (and needs `flask search reindex`)
EPOCH = datetime(1970, 1, 1)
# Title and tag words count as several occurrences of the word: one field, one posting list per
# word, so a query term is one matcher however many parts of a post it appears in.
TITLE_WEIGHT, TAGS_WEIGHT, BODY_WEIGHT = 4.0, 2.0, 1.0
HIGHLIGHT_WINDOW = 4000


class WeightedText(str):
    """Text made of (text, weight) parts; Whoosh takes a list as ready-made tokens, so this is a str."""

    parts: tuple[tuple[str, float], ...]

    def __new__(cls, parts: list[tuple[str, float]]) -> "WeightedText":
        value = super().__new__(cls, " ".join(text for text, _ in parts))
        value.parts = tuple(parts)
        return value


class WeightedTokenizer(RegexTokenizer):
    """Tokenize a string; the tokens of a WeightedText's parts carry their part's weight."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0,
                 start_char=0, tokenize=True, mode="", **kwargs):
        if not isinstance(value, WeightedText):
            yield from super().__call__(value, positions, chars, keeporiginal, removestops, start_pos, start_char,
                                        tokenize, mode, **kwargs)
            return
        pos = start_pos
        for text, weight in value.parts:
            for token in super().__call__(text, positions, chars, keeporiginal, removestops, pos, 0, tokenize,
                                          mode, **kwargs):
                token.boost = weight
                pos = token.pos + 2 if positions else pos  # a gap: phrases don't run from title into body
                yield token


def make_analyzer():
    return WeightedTokenizer() | LowercaseFilter() | StopFilter(minsize=2) | StemFilter(cachesize=50_000)


def make_schema() -> fields.Schema:
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),
        kind=fields.ID(stored=True),
        object_id=fields.STORED,
        ref_id=fields.STORED,
        title=fields.STORED,
        body=fields.STORED,
        text=fields.TEXT(analyzer=make_analyzer(), spelling=True),
        heading=fields.TEXT(analyzer=make_analyzer()),  # title and tags alone: tiered ranking, similar questions
        tag=fields.KEYWORD(lowercase=True, stored=True),
        product=fields.ID(stored=True),
        solved=fields.BOOLEAN(stored=True),
        accepted=fields.BOOLEAN(stored=True),
        score=fields.NUMERIC(int, bits=64, signed=True, sortable=True, stored=True),
        created=fields.DATETIME(sortable=True, stored=True),
    )


class _MarkFormatter(highlight.Formatter):
    between = " … "

    def format_token(self, text, token, replace=False):
        return MARK_START + highlight.get_text(text, token, replace) + MARK_END


TOC_RETRIES = 5


def _reading_the_toc(read):
    """Run `read`, which opens the index's newest table of contents, again if that file vanished.

    Another process's commit writes generation N+1 and deletes N's TOC; a reader that listed
    the files just before may then open a TOC that is gone. The newer one is there: retry.
    """
    for attempt in range(TOC_RETRIES):
        try:
            return read()
        except FileNotFoundError:
            if attempt == TOC_RETRIES - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


class WhooshBackend(SearchBackend):
    name = "whoosh"

    def __init__(self, directory: str, *, write_timeout: float = 10.0) -> None:
        self.directory = directory
        self.write_timeout = write_timeout
        self.schema = make_schema()
        self.analyzer = self.schema["text"].analyzer
        self._local = threading.local()
        self._ix = None
        self._ix_lock = threading.Lock()

    # --- opening and writing ---------------------------------------------------------------

    def _index(self):
        if self._ix is not None:
            return self._ix
        with self._ix_lock:
            if self._ix is None:
                os.makedirs(self.directory, exist_ok=True)
                self._ix = _reading_the_toc(lambda: self._open_or_create(FileStorage(self.directory)))
        return self._ix

    def _open_or_create(self, storage: FileStorage):
        """Open the index, creating it first (under the write lock) when there is none."""
        if not index.exists(storage, indexname=INDEX_NAME):
            # Create under the write lock so two processes starting at once can't
            # replace each other's fresh index.
            lock = storage.lock(INDEX_NAME + "_WRITELOCK")
            if not writing.try_for(lock.acquire, timeout=self.write_timeout, delay=0.05):
                raise IndexBusy("the search index is being created by another process")
            try:
                if not index.exists(storage, indexname=INDEX_NAME):
                    storage.create_index(self.schema, indexname=INDEX_NAME)
            finally:
                lock.release()
        return storage.open_index(indexname=INDEX_NAME)

    @contextmanager
    def _writer(self, timeout: float | None = None) -> Iterator[writing.SegmentWriter]:
        try:
            writer = self._index().writer(timeout=self.write_timeout if timeout is None else timeout, delay=0.05)
        except LockError as exc:
            raise IndexBusy("another process is writing the search index") from exc
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise

    def _fields(self, doc: Document) -> dict:
        parts = [(doc.title, TITLE_WEIGHT), (" ".join(doc.tags), TAGS_WEIGHT)] if doc.index_title else []
        return {
            "key": doc.key, "kind": doc.kind, "object_id": doc.object_id, "ref_id": doc.ref_id,
            "title": doc.title, "body": doc.body, "text": WeightedText([*parts, (doc.body, BODY_WEIGHT)]),
            "tag": " ".join(doc.tags), "product": doc.product, "solved": doc.solved, "accepted": doc.accepted,
            "score": doc.score, "created": doc.created_at or EPOCH,
            "heading": f"{doc.title} {' '.join(doc.tags)}" if doc.index_title else "",
            # The rank boost scales every posting's weight: BM25 stays monotonic in it, and the
            # block maxima Whoosh skips with stay exact, so top-k searches need not score everything.
            "_boost": doc.rank_boost,
        }

    @staticmethod
    def _apply(writer, documents: Iterable[Document], gone: Iterable[str]) -> None:
        for key in gone:
            writer.delete_by_term("key", key)
        for doc in documents:
            writer.update_document(**doc)

    def update(self, documents: Iterable[Document] = (), gone: Iterable[str] = ()) -> None:
        rows = [self._fields(d) for d in documents]
        gone = list(gone)
        if not rows and not gone:
            return
        with self._writer() as writer:
            self._apply(writer, rows, gone)
            writer.commit()

    def refresh(self, source: DocumentSource, ref_id: int) -> None:
        with self._writer() as writer:
            snapshot = source.snapshot(ref_id)  # read only once we hold the lock: updates apply in order
            self._apply(writer, [self._fields(d) for d in snapshot.documents], snapshot.gone)
            writer.commit()

    def rebuild(self, sources: list[DocumentSource], *, batch_size: int = 500,
                progress: Progress | None = None) -> int:
        total = 0
        with self._writer(timeout=max(self.write_timeout, 60.0)) as writer:
            for source in sources:
                for refs, docs in source.batches(batch_size):
                    for doc in docs:
                        writer.add_document(**self._fields(doc))
                    total += len(docs)
                    if progress:
                        progress(refs)
            writer.commit(mergetype=writing.CLEAR, optimize=True)
        return total

    def clear(self) -> None:
        if self._index().doc_count_all() == 0:
            return
        with self._writer() as writer:
            writer.commit(mergetype=writing.CLEAR)

    def count(self) -> int:
        return self._searcher().doc_count()

    def keys(self) -> set[str]:
        searcher = self._searcher()
        return {stored["key"] for stored in searcher.all_stored_fields()}

    # --- reading ---------------------------------------------------------------------------

    def _searcher(self):
        # Not Searcher.refresh(): its reader reuse keeps a segment's old deletions (and
        # whoosh-reloaded 2.7.5 even re-adds merged-away segments), so open afresh instead.
        ix = self._index()
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None and searcher.reader().generation() != _reading_the_toc(ix.latest_generation):
            searcher.close()
            searcher = None
        if searcher is None:
            searcher = self._local.searcher = _reading_the_toc(ix.searcher)
            self._local.filters = {}
        return searcher

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None

    def _tokens(self, words: Iterable[str]) -> list[str]:
        return [t.text for t in self.analyzer(" ".join(words), mode="query")]

    def _alternative(self, words: tuple[str, ...], field: str = "text"):
        tokens = self._tokens(words)
        if not tokens:
            return None  # only stop words
        return Term(field, tokens[0]) if len(tokens) == 1 else Phrase(field, tokens)

    def _query(self, query: ParsedQuery, field: str = "text", *, exclusions: bool = True):
        clauses = []
        for clause in query.clauses:
            alternatives = [q for q in (self._alternative(a, field) for a in clause) if q is not None]
            if alternatives:
                clauses.append(Or(alternatives) if len(alternatives) > 1 else alternatives[0])
        if not clauses:
            return None
        compiled = And(clauses) if len(clauses) > 1 else clauses[0]
        excluded = [q for q in (self._alternative(a) for a in query.excluded) if q is not None]
        return AndNot(compiled, Or(excluded)) if excluded and exclusions else compiled

    @staticmethod
    def _filter(request: SearchRequest, kinds: tuple[str, ...] = ()):
        f = request.filters
        terms = []
        if f.product:
            terms.append(Term("product", f.product))
        if f.tag:
            terms.append(Term("tag", f.tag.lower()))
        if f.kind:
            terms.append(Term("kind", f.kind))
        if kinds:
            terms.append(Or([Term("kind", k) for k in kinds]))
        if f.solved:
            terms.append(Term("solved", True))
        if not terms:
            return None
        return And(terms) if len(terms) > 1 else terms[0]

    def _highlight_terms(self, query: ParsedQuery) -> frozenset[str]:
        return frozenset(self._tokens(query.words()))

    def _snippet(self, text: str, terms: frozenset[str], pattern: re.Pattern | None) -> list[tuple[str, bool]]:
        if not terms or not text:
            return lead(text)
        found = pattern.search(text) if pattern is not None else None
        start = max(0, found.start() - HIGHLIGHT_WINDOW // 4) if found else 0
        window = text[start:start + HIGHLIGHT_WINDOW]
        marked = highlight.highlight(window, terms, self.analyzer,
                                     highlight.ContextFragmenter(maxchars=SNIPPET_CHARS // 2, surround=50),
                                     _MarkFormatter(), top=2, order=highlight.FIRST)
        if not marked:
            return lead(text)
        pieces = segments(marked)
        prefix = [("… ", False)] if start > 0 or not text.startswith(pieces[0][0]) else []
        return prefix + pieces + ([(" …", False)] if not text.endswith(pieces[-1][0]) else [])

    def _title(self, title: str, terms: frozenset[str]) -> list[tuple[str, bool]]:
        if not terms:
            return [(title, False)]
        marked = highlight.highlight(title, terms, self.analyzer, highlight.WholeFragmenter(), _MarkFormatter(),
                                     top=1, minscore=1)
        return segments(marked) if marked else [(title, False)]

    @staticmethod
    def _stem_pattern(terms: frozenset[str]) -> re.Pattern | None:
        """A cheap case-insensitive finder for the first place a query stem occurs."""
        stems = sorted((re.escape(t) for t in terms if t), key=len, reverse=True)
        return re.compile(r"\b(?:" + "|".join(stems) + ")", re.IGNORECASE) if stems else None

    def _hits(self, results, query: ParsedQuery | None) -> list[Hit]:
        terms = self._highlight_terms(query) if query is not None else frozenset()
        pattern = self._stem_pattern(terms)
        hits = []
        for result in results:
            stored = result.fields()
            hits.append(Hit(
                kind=stored["kind"], object_id=stored["object_id"], ref_id=stored["ref_id"],
                title=stored["title"], product=stored["product"],
                tags=tuple(stored.get("tag", "").split()), created_at=stored["created"] if stored["created"] != EPOCH
                else None, score=stored["score"], accepted=stored["accepted"], solved=stored["solved"],
                relevance=result.score if isinstance(result.score, float) else 0.0,  # a sort key when sorted
                title_segments=self._title(stored["title"], terms),
                snippet=self._snippet(stored.get("body", ""), terms, pattern),
            ))
        return hits

    def _filter_set(self, searcher, filter_query) -> set[int] | None:
        """The documents a filter allows, cached per searcher (a few filters recur on every page)."""
        if filter_query is None:
            return None
        cache: dict = self._local.filters
        key = repr(filter_query)
        if key not in cache:
            if len(cache) >= 64:
                cache.clear()
            cache[key] = set(searcher.docs_for_query(filter_query))
        return cache[key]

    @staticmethod
    def _count(searcher, results, compiled, allowed: set[int] | None) -> tuple[int, bool]:
        """How many documents match, counting at most COUNT_CAP + 1 (top-k searches skip the rest)."""
        if results is not None and results.has_exact_length():
            total = len(results)
            return min(total, COUNT_CAP), total > COUNT_CAP
        total = 0
        for docnum in searcher.docs_for_query(compiled):
            if allowed is None or docnum in allowed:
                total += 1
                if total > COUNT_CAP:
                    return COUNT_CAP, True
        return total, False

    def _page(self, searcher, compiled, allowed, sortedby, offset: int, limit: int):
        results = searcher.search(compiled, limit=offset + limit, filter=allowed, sortedby=sortedby)
        return results, list(results[offset:offset + limit]) if offset < results.scored_length() else []

    def search(self, request: SearchRequest) -> Results:
        compiled = self._query(request.query) if not request.query.is_empty else Every()
        if compiled is None:
            return Results([], 0)
        searcher = self._searcher()
        sort = request.sort
        if request.query.is_empty and sort == Sort.RELEVANCE:
            sort = Sort.NEWEST
        sortedby = None
        if sort == Sort.NEWEST:
            sortedby = sorting.MultiFacet([sorting.FieldFacet("created", reverse=True),
                                           sorting.FieldFacet("key")])
        elif sort == Sort.VOTES:
            sortedby = sorting.MultiFacet([sorting.FieldFacet("score", reverse=True),
                                           sorting.FieldFacet("created", reverse=True)])
        allowed = self._filter_set(searcher, self._filter(request))
        if allowed is not None and not allowed:
            return Results([], 0)  # (Whoosh would read an empty filter as no filter)
        offset, limit = request.offset, request.per_page
        if sortedby is None:
            hits, results = self._tiered(searcher, request.query, compiled, allowed, offset, limit)
        else:
            results, hits = self._page(searcher, compiled, allowed, sortedby, offset, limit)
        if offset == 0 and len(hits) < limit:
            total, capped = len(hits), False
        else:
            total, capped = self._count(searcher, results, compiled, allowed)
        return Results(self._hits(hits, None if request.query.is_empty else request.query), total, capped)

    def _tiered(self, searcher, query: ParsedQuery, compiled, allowed, offset: int, limit: int):
        """Relevance order in two tiers: title (and tag) matches, then the rest (see PostgresBackend._tiered)."""
        in_title = self._query(query, "heading", exclusions=False)
        excluded = [q for q in (self._alternative(a) for a in query.excluded) if q is not None]
        first = AndNot(in_title, Or(excluded)) if excluded else in_title
        results, hits = self._page(searcher, first, allowed, None, offset, limit)
        if len(hits) == limit:
            return hits, None
        title_total = offset + len(hits)
        if not hits and offset:
            title_total = self._count(searcher, results, first, allowed)[0]
        _, rest = self._page(searcher, AndNot(compiled, in_title), allowed, None, max(0, offset - title_total),
                             limit - len(hits))
        return hits + rest, None

    def exists(self, request: SearchRequest) -> bool:
        compiled = self._query(request.query)
        if compiled is None:
            return False
        searcher = self._searcher()
        allowed = self._filter_set(searcher, self._filter(request))
        return any(allowed is None or docnum in allowed for docnum in searcher.docs_for_query(compiled))

    def similar(self, query: ParsedQuery, *, kinds: tuple[str, ...], product: str | None = None,
                limit: int = 5) -> list[Hit]:
        tokens = self._tokens(query.words())
        if not tokens:
            return []
        searcher = self._searcher()
        filters = self._filter(SearchRequest(query=query), kinds)
        if product:
            filters = And([filters, Term("product", product)])
        allowed = self._filter_set(searcher, filters)
        if not allowed:
            return []
        results = searcher.search(Or([Term("heading", t) for t in dict.fromkeys(tokens)]), limit=limit,
                                  filter=allowed)
        return self._hits(results, query)

    def suggest(self, query: ParsedQuery) -> dict[str, str]:
        reader = self._searcher().reader()
        corrections: dict[str, str] = {}
        for word in query.words():
            tokens = self._tokens([word])
            if len(tokens) != 1 or not word.isalpha():
                continue
            if reader.doc_frequency("spell_text", word) or reader.doc_frequency("text", tokens[0]):
                continue
            for distance in (1, 2):
                candidates = [(reader.doc_frequency("spell_text", w), w)
                              for w in reader.terms_within("spell_text", word, distance, prefix=1) if w != word]
                if candidates:
                    corrections[word] = max(candidates)[1]
                    break
        return corrections
