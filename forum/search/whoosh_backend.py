"""The embedded search engine: a Whoosh index on disk (whoosh-reloaded, imported as `whoosh`).

Safe with several gunicorn workers and Celery workers on one machine: every write takes the
index's file lock (one writer at a time, others wait up to SEARCH_WRITE_TIMEOUT and are then
retried by the outbox), a thread re-reads the source only once it holds the lock, and readers
see committed generations only. Each thread keeps one searcher and refreshes it when a newer
generation exists.
"""

import heapq
import itertools
import os
import re
import sys
import threading
import time
import weakref
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import partial

from whoosh import fields, highlight, index, scoring, writing
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader, _lenfield
from whoosh.columns import NumericColumn
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile
from whoosh.index import LockError
from whoosh.lang import has_stopwords, stopwords_for_language
from whoosh.matching import NullMatcher
from whoosh.matching.wrappers import RequireMatcher
from whoosh.query import And, AndNot, Every, Or, Phrase, Require, Term
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.util.numeric import byte_to_length

from forum.models import DEFAULT_LANGUAGE, Language
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
from forum.search.query import Filters, ParsedQuery, SearchRequest, Sort


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
        if column is LENGTHS_COLUMN and isinstance(reader, NumericColumn.Reader):
            reader = _Lengths(reader)
        self._readers[fieldname] = reader
        return reader


class _Lengths:
    """A segment's field-length column read into memory once (one byte a document).

    BM25 reads the length of every document it scores; without mmap each of those would be
    a seek and a read of one byte from the index file.
    """

    def __init__(self, column) -> None:
        self._bytes = column._dbfile.get(column._basepos, column._count * column._fixedlen)

    def __getitem__(self, docnum: int) -> int:
        return self._bytes[docnum] if docnum < len(self._bytes) else 0


W3PerDocReader._cached_reader = _cached_reader

INDEX_NAME = "peercare_v2"  # a schema change gets a new name (and needs `flask search reindex`)
EPOCH = datetime(1970, 1, 1)
# Title and tag words count as several occurrences of the word: one field, one posting list per
# word, so a query term is one matcher however many parts of a post it appears in.
TITLE_WEIGHT, TAGS_WEIGHT, BODY_WEIGHT = 4.0, 2.0, 1.0
HIGHLIGHT_WINDOW = 4000


class WeightedText(str):
    """Text made of (text, weight) parts in one language; Whoosh takes a list as ready-made tokens, so this is a str."""

    parts: tuple[tuple[str, float], ...]
    language: str

    def __new__(cls, parts: list[tuple[str, float]], language: str = DEFAULT_LANGUAGE.value) -> "WeightedText":
        value = super().__new__(cls, " ".join(text for text, _ in parts))
        value.parts = tuple(parts)
        value.language = language
        return value


class WeightedTokenizer(RegexTokenizer):
    """Tokenize a string; the tokens of a WeightedText's parts carry their part's weight.

    Every token also carries the language its text is written in (`token.language`): the
    WeightedText's, else the analyzer call's `language=` (queries, highlighting), else English.
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0,
                 start_char=0, tokenize=True, mode="", **kwargs):
        kwargs["language"] = getattr(value, "language", None) or kwargs.get("language") or DEFAULT_LANGUAGE.value
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


class ByLanguage(Filter):
    """Run each text through the filter of the language its tokens carry (one language per text).

    Stop words and stemming differ per language: "chevaux" stems to "cheval" in French only.
    `is_morph` marks the stemming one, which Whoosh skips for the spelling words.
    """

    def __init__(self, filters: dict[str, Filter], *, is_morph: bool = False) -> None:
        self.filters = filters
        self.is_morph = is_morph

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.filters == self.filters and other.is_morph == self.is_morph

    def __call__(self, tokens):
        tokens = iter(tokens)
        first = next(tokens, None)
        if first is None:
            return iter(())
        chosen = self.filters.get(getattr(first, "language", None)) or self.filters[DEFAULT_LANGUAGE.value]
        # The tokenizer reuses one Token object: the chosen filter reads the first one before the next is made.
        return chosen(itertools.chain((first,), tokens))


class Stemmed(Filter):
    """A language's stems, each prefixed with the language ("fr:cheval"), so a term only ever
    matches text of that language and has that language's frequencies."""

    is_morph = True

    def __init__(self, stem: StemFilter, code: str) -> None:
        self.stem, self.prefix = stem, code + ":"

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.prefix == self.prefix

    def __call__(self, tokens):
        for token in self.stem(tokens):
            token.text = self.prefix + token.text
            yield token


def make_analyzer():
    """Lowercased words without the text's language's stop words, stemmed for that language.

    English keeps the stop list and Porter stemmer the index always had; the other shipped
    languages use Whoosh's stop lists (none for Arabic) and Snowball stemmers (ISRI for Arabic).
    """
    stops = {DEFAULT_LANGUAGE.value: StopFilter(minsize=2)}
    stems = {DEFAULT_LANGUAGE.value: Stemmed(StemFilter(cachesize=50_000), DEFAULT_LANGUAGE.value)}
    for language in Language:
        if language is not DEFAULT_LANGUAGE:
            words = stopwords_for_language(language.value) if has_stopwords(language.value) else frozenset()
            stops[language.value] = StopFilter(stoplist=words, minsize=2)
            stems[language.value] = Stemmed(StemFilter(lang=language.value, cachesize=50_000), language.value)
    return WeightedTokenizer() | LowercaseFilter() | ByLanguage(stops) | ByLanguage(stems, is_morph=True)


def make_schema() -> fields.Schema:
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),
        kind=fields.ID(stored=True),
        language=fields.ID(stored=True),
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


class _RequireMatcher(RequireMatcher):
    """RequireMatcher without two bugs of whoosh-reloaded 2.7.5 that top-k searches hit.

    Upstream's skip_to_quality re-aligns the two matchers even when the skip left them on
    the same document (an AssertionError inside IntersectionMatcher), and its replace()
    drops the replaced filter matcher's type: both show once block skipping starts.
    """

    def replace(self, minquality=0):
        if not self.child.is_active() or (minquality and self.a.max_quality() < minquality):
            return NullMatcher()
        replaced = self.a.replace(minquality)
        if not replaced.is_active():
            return NullMatcher()
        return self if replaced is self.a else _RequireMatcher(replaced, self.b)

    def skip_to_quality(self, minquality):
        skipped = self.a.skip_to_quality(minquality)
        self.child._find_first()
        return skipped


class _Require(Require):
    """A query restricted to a filter's documents and scored by the query alone."""

    def matcher(self, searcher, context=None):
        return _RequireMatcher(self.a.matcher(searcher, context), self.b.matcher(searcher, searcher.boolean_context()))


def _docnums(searcher, query) -> Iterator[int]:
    """Every document matching `query`, in document order, by stepping its matcher (queries _View can't split)."""
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        try:
            matcher = query.matcher(sub, sub.boolean_context())
        except TermNotFound:
            continue
        while matcher.is_active():
            yield matcher.id() + offset
            matcher.next()


def _numeric_column(reader, name: str) -> array:
    """A segment's sortable numeric column as an array, in one read where the format allows."""
    column = reader.column_reader(name, translate=False)
    if isinstance(column, NumericColumn.Reader) and column._typecode == "Q":
        values = array("Q")
        values.frombytes(column._dbfile.get(column._basepos, column._count * column._fixedlen))
        if sys.byteorder == "little":
            values.byteswap()  # stored big-endian
        values.extend([column._default] * (reader.doc_count_all() - len(values)))
        return values
    return array("Q", column)


def _scored_terms(query) -> list[tuple[str, str]] | None:
    """The terms whose scores add up to the query's score, or None if a part scores otherwise (phrases)."""
    if isinstance(query, Term):
        return [(query.fieldname, query.text)]
    if isinstance(query, AndNot):
        return _scored_terms(query.a)
    if isinstance(query, And | Or):
        terms = []
        for part in query.subqueries:
            found = _scored_terms(part)
            if found is None:
                return None
            terms += found
        return terms
    return None


def _posting_blocks(reader, field: str, text, weights: bool) -> Iterator[tuple]:
    """A segment's postings of one term as (document numbers, weights) blocks.

    The term's whole posting list is read from the file in one piece and decoded by
    Whoosh's own block reader from memory: reading it through the file object costs a
    seek and a read for every header field of every block.
    """
    info = reader._terms.term_info(field, reader._text_to_bytes(field, text))
    if info.is_inlined():
        ids, inlined_weights, _ = info.inlined_postings()
        yield ids, inlined_weights
        return
    offset, length = info.extent()
    length = length[0] if isinstance(length, tuple) else length  # whoosh-reloaded 2.7.5 unpacks it as a tuple
    leaf = W3LeafMatcher(BufferFile(reader._terms._postfile.get(offset, length)), 0, length,
                         reader.schema[field].format)
    while leaf.is_active():
        leaf.id()  # decodes the block's document numbers into leaf._ids
        if weights:
            leaf.weight()  # and its weights into leaf._weights
        yield leaf._ids, leaf._weights if weights else None
        leaf._next_block()


TERM_CACHE_POSTINGS = 2_000_000  # document numbers kept per thread for recurring terms (4 bytes each)
SCORE_AT_MOST = 1500  # phrase candidates scored one by one; more go through Whoosh's top-k search


class _PostingCache:
    """Decoded posting lists of recurring terms, per segment, kept across index generations.

    A segment's postings never change once written (deletions are applied by the reader),
    so a broad term read once serves every later search until its segment is merged away;
    entries are dropped least recently used beyond TERM_CACHE_POSTINGS postings.
    """

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple, tuple[array, array | None]] = OrderedDict()
        self._size = 0

    def get(self, reader, field: str, text, weights: bool) -> tuple[array, array | None]:
        if not isinstance(reader, SegmentReader):
            return array("I"), array("f")  # an index with no segment yet: Whoosh's EmptyReader
        key = (reader.segment().segment_id(), field, text)
        entry = self._entries.get(key)
        if entry is None or (weights and entry[1] is None):
            ids, found = array("I"), array("f") if weights else None
            if (field, text) in reader:
                for block, block_weights in _posting_blocks(reader, field, text, weights):
                    ids.extend(block)
                    if found is not None:
                        found.extend(block_weights)
            if entry is not None:
                self._size -= len(entry[0])
            entry = self._entries[key] = (ids, found)
            self._size += len(ids)
            while self._size > TERM_CACHE_POSTINGS and len(self._entries) > 1:
                _, (dropped, _) = self._entries.popitem(last=False)
                self._size -= len(dropped)
        else:
            self._entries.move_to_end(key)
        return entry

    def clear(self) -> None:
        self._entries.clear()
        self._size = 0


class _View:
    """One thread's open searcher and what was read from it, dropped together on a new generation.

    Matching is set algebra over document numbers: a term's postings are decoded into arrays
    (kept in a _PostingCache), and AND, OR, NOT and the filters become set operations, run in
    C. That gives exact counts and sorted pages without stepping Whoosh's matchers posting by
    posting (pure Python: the slow part of broad searches). Relevance is BM25F computed from
    the same arrays for one tier's candidates. Sort columns and field lengths are read whole
    into arrays the first time a search needs them (8 bytes, and 1 byte, a document).
    """

    SORTS = {Sort.NEWEST: ("created",), Sort.VOTES: ("score", "created")}  # noqa: RUF012 - read-only table

    def __init__(self, searcher, postings: _PostingCache) -> None:
        self.searcher = searcher
        # The searcher holds the index files open (plain reads, no mmap): close them when a view
        # is dropped without close(), e.g. with the thread that owned it.
        self._close = weakref.finalize(self, searcher.close)  # runs once, whichever comes first
        self.generation = searcher.reader().generation()
        self._postings_cache = postings
        self._columns: dict[str, array] = {}
        self._lengths: dict[str, bytes] = {}
        self._live: set[int] | None = None
        self._segments = searcher.subsearchers or [(searcher, 0)]
        self.deleted: set[int] = set()
        for sub, offset in self._segments:
            self.deleted.update(d + offset for d in getattr(sub.reader(), "deleted_docs_set", ()))

    def _postings(self, field: str, text) -> tuple[array, array]:
        """A term's document numbers (deleted ones included: matches() drops them) and weights.

        Weights are decoded with the numbers even where only matching needs them: they come
        out of the same block, and a second decoding for scoring would cost more.
        """
        weights = True
        if len(self._segments) == 1:
            return self._postings_cache.get(self._segments[0][0].reader(), field, text, weights)
        ids, found = array("I"), array("f") if weights else None
        for sub, offset in self._segments:
            part, part_weights = self._postings_cache.get(sub.reader(), field, text, weights)
            ids.extend(d + offset for d in part) if offset else ids.extend(part)
            if found is not None:
                found.extend(part_weights)
        return ids, found

    def lengths(self, field: str) -> bytes:
        """Every document's length byte for a field (Whoosh's own one-byte encoding of lengths)."""
        if field not in self._lengths:
            parts = []
            for sub, _ in self.searcher.subsearchers or [(self.searcher, 0)]:
                reader = sub.reader()
                perdoc = getattr(reader, "_perdoc", None)
                column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN) if perdoc is not None else None
                data = column._bytes if isinstance(column, _Lengths) else b""
                parts.append(data + bytes(reader.doc_count_all() - len(data)))
            self._lengths[field] = b"".join(parts)
        return self._lengths[field]

    def live(self) -> set[int]:
        if self._live is None:
            self._live = set(self.searcher.reader().all_doc_ids())
        return self._live

    def matches(self, query) -> set[int]:
        """The live documents matching a query built by WhooshBackend (terms, phrases, and/or/not)."""
        found = self._operand(query)
        found = set(found) if not isinstance(found, set) or found is self._live else found
        if self.deleted:
            found -= self.deleted
        return found

    def _operand(self, query):
        """An array (a term's postings, not to be changed) or a fresh set of document numbers."""
        if isinstance(query, Term):
            return self._postings(query.fieldname, query.text)[0]
        if isinstance(query, Every):
            return self.live()
        if isinstance(query, And | _Require):
            parts = sorted((self._operand(q) for q in (query.subqueries if isinstance(query, And)
                                                      else (query.a, query.b))), key=len)
            result = set(parts[0])
            for part in parts[1:]:
                if not result:
                    break
                result.intersection_update(part)
            return result
        if isinstance(query, Or):
            result: set[int] = set()
            for q in query.subqueries:
                result.update(self._operand(q))
            return result
        if isinstance(query, AndNot):
            result = set(self._operand(query.a))
            result.difference_update(self._operand(query.b))
            return result
        if isinstance(query, Phrase):
            # Candidates have every word; Whoosh's phrase matcher checks positions among those only.
            candidates = self.matches(And([Term(query.fieldname, w) for w in query.words]))
            return {d for d, _ in self.scores(query, candidates)}
        return set(_docnums(self.searcher, query))

    # --- scoring and sorting ---

    def scores(self, query, candidates: set[int]) -> list[tuple[int, float]]:
        """(docnum, relevance) for the candidates the query matches, scored by Whoosh's matcher."""
        found = []
        for sub, offset in self.searcher.subsearchers or [(self.searcher, 0)]:
            local = sorted(d - offset for d in candidates if offset <= d < offset + sub.doc_count_all())
            if not local:
                continue
            try:
                matcher = query.matcher(sub, sub.context())
            except TermNotFound:
                continue
            for docnum in local:
                if not matcher.is_active():
                    break
                if matcher.id() < docnum:
                    matcher.skip_to(docnum)
                    if not matcher.is_active():
                        break
                if matcher.id() == docnum:
                    found.append((docnum + offset, matcher.score()))
        return found

    def ranked(self, query, candidates: set[int], offset: int, limit: int) -> list[tuple[int, float]]:
        """One page of the candidates in relevance order (ties: lower document number first)."""
        scored = self.bm25(query, candidates)
        if scored is None and len(candidates) > SCORE_AT_MOST:
            results = self.searcher.search(query, limit=offset + limit, filter=candidates)
            # top_n, not iterating the Results: its len() re-runs the whole query to count it.
            return [(docnum, score) for score, docnum in results.top_n[offset:offset + limit]]
        if scored is None:
            scored = self.scores(query, candidates)
        return heapq.nsmallest(offset + limit, scored, key=lambda pair: (-pair[1], pair[0]))[offset:]

    def bm25(self, query, candidates: set[int]) -> list[tuple[int, float]] | None:
        """The scores Whoosh's matchers would give (BM25F summed over the query's terms), from arrays.

        Only for queries of terms joined by AND, OR and NOT (None otherwise): a tight loop over
        each term's cached postings instead of a matcher per term stepping document by document.
        """
        terms = _scored_terms(query)
        weighting = self.searcher.weighting
        if terms is None or not isinstance(weighting, scoring.BM25F):
            return None
        totals: dict[int, float] = {}
        for field, text in terms:
            ids, weights = self._postings(field, text)
            if not ids:
                continue  # an OR's alternative that no document has
            scorer = weighting.scorer(self.searcher, field, text)
            lengths = self.lengths(field)
            factor, k1 = scorer.idf * (scorer.K1 + 1), scorer.K1
            norm = [k1 * ((1 - scorer.B) + scorer.B * byte_to_length(b) / scorer.avgfl) for b in range(256)]
            get = totals.get
            for docnum, weight in zip(ids, weights, strict=True):
                if docnum in candidates:
                    totals[docnum] = get(docnum, 0.0) + factor * weight / (weight + norm[lengths[docnum]])
        return list(totals.items())

    def column(self, name: str) -> array:
        if name not in self._columns:
            values = array("Q")
            for sub, _ in self.searcher.subsearchers or [(self.searcher, 0)]:
                values.extend(_numeric_column(sub.reader(), name))
            self._columns[name] = values
        return self._columns[name]

    def sorted_page(self, candidates: set[int], sort: str, offset: int, limit: int) -> list[tuple[int, float]]:
        """One page in `sort` order (descending; ties: higher document number first)."""
        columns = [self.column(name) for name in self.SORTS[sort]]
        if len(columns) == 1:
            key = columns[0].__getitem__
        else:
            first, second = columns

            def key(docnum: int) -> tuple[int, int]:
                return first[docnum], second[docnum]
        return [(docnum, 0.0) for docnum in heapq.nlargest(offset + limit, candidates, key=key)[offset:]]

    def close(self) -> None:
        self._close()
        self._columns.clear()


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
                self._ix = _reading_the_toc(lambda: self._open_or_create(self._storage()))
        return self._ix

    def _storage(self) -> FileStorage:
        """The index folder, read through ordinary file reads rather than mmap.

        Whoosh opens an optimized index's one compound file through mmap and then copies
        every part it opens (the term table, the postings, each stored-field column) into
        a BytesIO: every searcher held the whole index in memory, a copy per generation
        and per thread. Plain reads fetch only the blocks a search touches.
        """
        return FileStorage(self.directory, supports_mmap=False)

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
            "title": doc.title, "body": doc.body, "language": doc.language,
            "text": WeightedText([*parts, (doc.body, BODY_WEIGHT)], doc.language),
            "tag": " ".join(doc.tags), "product": doc.product, "solved": doc.solved, "accepted": doc.accepted,
            "score": doc.score, "created": doc.created_at or EPOCH,
            "heading": WeightedText([(f"{doc.title} {' '.join(doc.tags)}", 1.0)], doc.language)
            if doc.index_title else "",
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
        """This thread's searcher, reopened only when another commit made a newer generation.

        Not Searcher.refresh(): its reader reuse keeps a segment's old deletions (and
        whoosh-reloaded 2.7.5 even re-adds merged-away segments), so open afresh instead.
        """
        ix = self._index()
        view: _View | None = getattr(self._local, "view", None)
        if view is not None and view.generation != _reading_the_toc(ix.latest_generation):
            view.close()
            view = None
        if view is None:
            if not hasattr(self._local, "postings"):
                self._local.postings = _PostingCache()
            view = self._local.view = _View(_reading_the_toc(ix.searcher), self._local.postings)
        return view.searcher

    def _view(self) -> "_View":
        self._searcher()
        return self._local.view

    def close(self) -> None:
        view = getattr(self._local, "view", None)
        if view is not None:
            view.close()
            self._local.view = None

    def _languages(self, filters: Filters) -> tuple[str, ...]:
        """The languages a query is read in: the filter's, else every shipped one the index holds text in.

        Reading a query in a language no document is written in finds nothing and costs a pass
        of analysis and term lookups, so a site writing in one language pays for one reading.
        """
        if filters.language:
            return (filters.language,)
        reader = self._searcher().reader()
        present = tuple(language.value for language in Language if reader.doc_frequency("language", language.value))
        return present or (DEFAULT_LANGUAGE.value,)

    def _tokens(self, words: Iterable[str], languages: tuple[str, ...]) -> list[str]:
        """The words' terms in each of the languages (its stop words out, its stems, its prefix)."""
        text = " ".join(words)
        return list(dict.fromkeys(t.text for code in languages
                                  for t in self.analyzer(text, mode="query", language=code)))

    def _alternative(self, words: tuple[str, ...], field: str, language: str):
        tokens = self._tokens(words, (language,))
        if not tokens:
            return None  # only stop words
        return Term(field, tokens[0]) if len(tokens) == 1 else Phrase(field, tokens)

    def _query(self, query: ParsedQuery, languages: tuple[str, ...], field: str = "text", *,
               exclusions: bool = True):
        """The query as each language reads it, OR-ed: a text matches in its own language's terms.

        Built per language because stop words differ: "die" is left out of a German query
        but must match in an English one.
        """
        forms = [q for q in (self._query_in(query, code, field, exclusions=exclusions) for code in languages) if q]
        return forms[0] if len(forms) == 1 else Or(forms) if forms else None

    def _query_in(self, query: ParsedQuery, language: str, field: str, *, exclusions: bool):
        clauses = []
        for clause in query.clauses:
            alternatives = [q for q in (self._alternative(a, field, language) for a in clause) if q is not None]
            if alternatives:
                clauses.append(Or(alternatives) if len(alternatives) > 1 else alternatives[0])
        if not clauses:
            return None
        compiled = And(clauses) if len(clauses) > 1 else clauses[0]
        excluded = [q for q in (self._alternative(a, "text", language) for a in query.excluded) if q is not None]
        return AndNot(compiled, Or(excluded)) if excluded and exclusions else compiled

    @staticmethod
    def _filter(request: SearchRequest, kinds: tuple[str, ...] = (), product: str | None = None):
        f = request.filters
        terms = []
        if f.product or product:
            terms.append(Term("product", f.product or product))
        if f.tag:
            terms.append(Term("tag", f.tag.lower()))
        if f.kind:
            terms.append(Term("kind", f.kind))
        if kinds:
            terms.append(Or([Term("kind", k) for k in kinds]))
        if f.solved:
            terms.append(Term("solved", True))
        if f.language:
            terms.append(Term("language", f.language))
        if not terms:
            return None
        return And(terms) if len(terms) > 1 else terms[0]

    @staticmethod
    def _filtered(query, filter_query):
        """The query restricted to the filter's documents, scored by the query alone.

        The filter is one more matcher leapfrogging with the query's (no set of allowed
        document numbers is built or kept), so top-k searches keep skipping blocks.
        """
        if filter_query is None:
            return query
        return _Require(query, filter_query) if query is not None else filter_query

    def _highlight_terms(self, query: ParsedQuery, languages: tuple[str, ...]) -> frozenset[str]:
        return frozenset(self._tokens(query.words(), languages))

    def _snippet(self, text: str, terms: frozenset[str], pattern: re.Pattern | None,
                 analyzer) -> list[tuple[str, bool]]:
        if not terms or not text:
            return lead(text)
        found = pattern.search(text) if pattern is not None else None
        start = max(0, found.start() - HIGHLIGHT_WINDOW // 4) if found else 0
        window = text[start:start + HIGHLIGHT_WINDOW]
        marked = highlight.highlight(window, terms, analyzer,
                                     highlight.ContextFragmenter(maxchars=SNIPPET_CHARS // 2, surround=50),
                                     _MarkFormatter(), top=2, order=highlight.FIRST)
        if not marked:
            return lead(text)
        pieces = segments(marked)
        prefix = [("… ", False)] if start > 0 or not text.startswith(pieces[0][0]) else []
        return prefix + pieces + ([(" …", False)] if not text.endswith(pieces[-1][0]) else [])

    def _title(self, title: str, terms: frozenset[str], analyzer) -> list[tuple[str, bool]]:
        if not terms:
            return [(title, False)]
        marked = highlight.highlight(title, terms, analyzer, highlight.WholeFragmenter(), _MarkFormatter(),
                                     top=1, minscore=1)
        return segments(marked) if marked else [(title, False)]

    @staticmethod
    def _stem_pattern(terms: frozenset[str]) -> re.Pattern | None:
        """A cheap case-insensitive finder for the first place a query stem occurs."""
        stems = sorted({re.escape(t.partition(":")[2]) for t in terms if t.partition(":")[2]}, key=len, reverse=True)
        return re.compile(r"\b(?:" + "|".join(stems) + ")", re.IGNORECASE) if stems else None

    def _hits(self, searcher, found: list[tuple[int, float]], query: ParsedQuery | None,
              languages: tuple[str, ...]) -> list[Hit]:
        """Hits for (docnum, relevance) pairs: stored fields read, and highlighted, for these only.

        Each hit's text is highlighted with its own language's analysis of the query's words.
        """
        terms = self._highlight_terms(query, languages) if query is not None else frozenset()
        pattern = self._stem_pattern(terms)
        hits = []
        for docnum, relevance in found:
            stored = searcher.stored_fields(docnum)
            language = stored.get("language") or DEFAULT_LANGUAGE.value
            analyzer = partial(self.analyzer, language=language)
            hits.append(Hit(
                kind=stored["kind"], object_id=stored["object_id"], ref_id=stored["ref_id"],
                title=stored["title"], product=stored["product"],
                tags=tuple(stored.get("tag", "").split()), created_at=stored["created"] if stored["created"] != EPOCH
                else None, score=stored["score"], accepted=stored["accepted"], solved=stored["solved"],
                relevance=relevance, language=language, title_segments=self._title(stored["title"], terms, analyzer),
                snippet=self._snippet(stored.get("body", ""), terms, pattern, analyzer),
            ))
        return hits

    @staticmethod
    def _top(searcher, query, offset: int, limit: int) -> list[tuple[int, float]]:
        """One page of (docnum, score) in relevance order (Whoosh's top-k collector skips blocks)."""
        if query is None:
            return []
        results = searcher.search(query, limit=offset + limit)
        # top_n, not iterating the Results: its len() re-runs the whole query to count it.
        return [(docnum, score) for score, docnum in results.top_n[offset:offset + limit]]

    def search(self, request: SearchRequest) -> Results:
        languages = self._languages(request.filters)
        compiled = self._query(request.query, languages) if not request.query.is_empty else None
        if compiled is None and not request.query.is_empty:
            return Results([], 0)
        view = self._view()
        filter_query = self._filter(request)
        sort = request.sort
        if request.query.is_empty and sort == Sort.RELEVANCE:
            sort = Sort.NEWEST
        matching = self._filtered(compiled, filter_query) or Every()
        candidates = view.matches(matching)
        offset, limit = request.offset, request.per_page
        if not candidates:
            found = []
        elif sort == Sort.RELEVANCE:
            found = self._tiered(view, request.query, compiled, candidates, offset, limit, languages)
        else:
            found = view.sorted_page(candidates, sort, offset, limit)
        return Results(self._hits(view.searcher, found, None if request.query.is_empty else request.query, languages),
                       min(len(candidates), COUNT_CAP), len(candidates) > COUNT_CAP)

    def _tiered(self, view: _View, query: ParsedQuery, compiled, candidates: set[int], offset: int, limit: int,
                languages: tuple[str, ...]):
        """Relevance order in two tiers: title (and tag) matches, then the rest (see PostgresBackend._tiered)."""
        in_title = self._query(query, languages, "heading", exclusions=False)
        titled = candidates & view.matches(in_title) if in_title is not None else set()
        hits = view.ranked(in_title, titled, offset, limit) if titled else []
        if len(hits) == limit or len(titled) >= offset + limit:
            return hits
        rest = candidates - titled
        return hits + (view.ranked(compiled, rest, max(0, offset - len(titled)), limit - len(hits)) if rest else [])

    def exists(self, request: SearchRequest) -> bool:
        compiled = self._query(request.query, self._languages(request.filters))
        if compiled is None:
            return False
        return bool(self._view().matches(self._filtered(compiled, self._filter(request))))

    def similar(self, query: ParsedQuery, *, kinds: tuple[str, ...], product: str | None = None,
                limit: int = 5) -> list[Hit]:
        languages = self._languages(Filters())
        tokens = self._tokens(query.words(), languages)
        if not tokens:
            return []
        searcher = self._searcher()
        wanted = Or([Term("heading", t) for t in tokens])
        found = self._top(searcher, self._filtered(wanted, self._filter(SearchRequest(query=query), kinds, product)),
                          0, limit)
        return self._hits(searcher, found, query, languages)

    def suggest(self, query: ParsedQuery) -> dict[str, str]:
        reader = self._searcher().reader()
        corrections: dict[str, str] = {}
        languages = self._languages(Filters())
        for word in query.words():
            tokens = self._tokens([word], languages)
            if not tokens or not word.isalpha():
                continue
            if reader.doc_frequency("spell_text", word) or any(reader.doc_frequency("text", t) for t in tokens):
                continue
            for distance in (1, 2):
                candidates = [(reader.doc_frequency("spell_text", w), w)
                              for w in reader.terms_within("spell_text", word, distance, prefix=1) if w != word]
                if candidates:
                    corrections[word] = max(candidates)[1]
                    break
        return corrections
