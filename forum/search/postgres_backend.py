"""PostgreSQL full-text search: one row per document in `search_documents`, a GIN-indexed tsvector.

Each row's vectors are built with the text search configuration of its language (`CONFIGS`:
French words stemmed as French), and a query is parsed with the configuration of every language
it may match, OR-ed (only the filter's, with `?lang=`), so one GIN lookup still answers it.
Text queries go through `websearch_to_tsquery` (one call per clause and language, combined with
&& and !!, so "a b OR c" means a AND (b OR c)); ranking is `ts_rank` over the weighted vector times
the document's rank boost, of the newest CANDIDATES matches of a tier; snippets come from
`ts_headline`. Writes happen in the caller's transaction (the outbox delivery), under a
per-reference advisory lock, so concurrent updates of one thread apply in order; a rebuild holds
an exclusive lock that updates back off
from (they are retried later). "Did you mean" uses pg_trgm similarity over `search_words`.
"""

import hashlib
import re
from collections.abc import Iterable

from sqlalchemy import bindparam, delete, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import String

from forum.extensions import db
from forum.models import Language, SearchDocument, SearchWord
from forum.search.backend import (
    COUNT_CAP,
    MARK_END,
    MARK_START,
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

# The PostgreSQL text search configuration of each shipped language (`SELECT cfgname FROM pg_ts_config`).
CONFIGS = {Language.EN: "english", Language.FR: "french", Language.ES: "spanish", Language.DE: "german",
           Language.AR: "arabic"}
DEFAULT_CONFIG = CONFIGS[Language.EN]
# A row's configuration, for highlighting it (fixed SQL from the table above).
_ROW_CONFIG = ("CASE r.language " + " ".join(f"WHEN '{code.value}' THEN '{name}'::regconfig"
                                             for code, name in CONFIGS.items())
               + f" ELSE '{DEFAULT_CONFIG}'::regconfig END")
LOCK_NAMESPACE = 0x5EA2C4  # advisory lock class id for search writes
REBUILD_LOCK = 0x5EA2C4_0000_0001
TAG_LEXEME_RE = re.compile(r"^[a-z0-9][a-z0-9+#.-]{0,34}$")
HEADLINE = (f"StartSel={MARK_START}, StopSel={MARK_END}, MaxFragments=2, MaxWords=22, MinWords=10, "
            'ShortWord=2, FragmentDelimiter=" … "')
TITLE_HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"
SNIPPET_SOURCE_CHARS = 6000  # ts_headline reads this much of the body: bounded work per hit
# A relevance page ranks at most this many matches of its tier, the newest ones: every page of the
# site's search (20 results × 50 pages) comes from one ranked set, and a broad word costs the same
# as a rare one. Results past them follow, newest first.
CANDIDATES = 1000
NEWEST = "d.created_at DESC, d.kind, d.object_id DESC"
IN_TITLE = "d.title_vector @@ q.ranking"  # the first tier of a relevance order

# Every value is a bound parameter, the row's text search configuration too.
_UPSERT = text("""
INSERT INTO search_documents (kind, object_id, ref_id, title, index_title, body, tags, product, created_at, score,
                              accepted, solved, rank_boost, content_hash, language, search_vector, title_vector,
                              indexed_at)
VALUES (:kind, :object_id, :ref_id, :title, :index_title, :body, :tags, :product, :created_at, :score,
        :accepted, :solved, :rank_boost, :content_hash, :language,
        setweight(to_tsvector(CAST(:config AS regconfig), :vector_title), 'A')
        || setweight(to_tsvector(CAST(:config AS regconfig), :vector_tags), 'B')
        || setweight(to_tsvector(CAST(:config AS regconfig), :body), 'C')
        || array_to_tsvector(CAST(:filter_lexemes AS text[])),
        setweight(to_tsvector(CAST(:config AS regconfig), :vector_title), 'A')
        || setweight(to_tsvector(CAST(:config AS regconfig), :vector_tags), 'B'),
        now() AT TIME ZONE 'UTC')
ON CONFLICT (kind, object_id) DO UPDATE SET
    ref_id = EXCLUDED.ref_id, title = EXCLUDED.title, index_title = EXCLUDED.index_title, body = EXCLUDED.body,
    tags = EXCLUDED.tags, product = EXCLUDED.product, created_at = EXCLUDED.created_at, score = EXCLUDED.score,
    accepted = EXCLUDED.accepted, solved = EXCLUDED.solved, rank_boost = EXCLUDED.rank_boost,
    content_hash = EXCLUDED.content_hash, language = EXCLUDED.language, search_vector = EXCLUDED.search_vector,
    title_vector = EXCLUDED.title_vector, indexed_at = EXCLUDED.indexed_at
""")

_ADD_WORDS = text("""
INSERT INTO search_words (word, freq)
SELECT word, count(*) FROM (
    SELECT unnest(tsvector_to_array(to_tsvector('simple', d.title || ' ' || d.body))) AS word
    FROM search_documents d WHERE d.kind = :kind AND d.object_id = ANY(:ids)
) AS w
WHERE length(word) BETWEEN 3 AND 30 AND word ~ '^[[\\:alpha\\:]]+$'
GROUP BY word
ON CONFLICT (word) DO UPDATE SET freq = search_words.freq + EXCLUDED.freq
""").bindparams(bindparam("ids", type_=ARRAY(db.Integer)))


def _tag_lexeme(tag: str) -> str | None:
    tag = tag.lower()
    return f"tag:{tag}" if TAG_LEXEME_RE.match(tag) else None


def _language_lexeme(code: str) -> str:
    """A verbatim lexeme in the vector that the language filter matches through the same GIN index."""
    return f"lang:{code}"


def _hash(doc: Document) -> str:
    return hashlib.sha256("\x1f".join((doc.title, doc.body, doc.language)).encode()).hexdigest()


def _config(code: str) -> str:
    return CONFIGS.get(Language.of(code), DEFAULT_CONFIG)


def _row(doc: Document) -> dict:
    return {
        "kind": doc.kind, "object_id": doc.object_id, "ref_id": doc.ref_id, "title": doc.title,
        "index_title": doc.index_title, "body": doc.body, "tags": " ".join(doc.tags), "product": doc.product,
        "created_at": doc.created_at, "score": doc.score, "accepted": doc.accepted, "solved": doc.solved,
        "rank_boost": doc.rank_boost, "content_hash": _hash(doc), "language": doc.language,
        "config": _config(doc.language),
        "vector_title": doc.title if doc.index_title else "",
        "vector_tags": " ".join(doc.tags) if doc.index_title else "",
        "filter_lexemes": [lex for lex in (_tag_lexeme(t) for t in doc.tags) if lex] + [_language_lexeme(doc.language)],
    }


def _alternative_text(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else '"' + " ".join(words) + '"'


class PostgresBackend(SearchBackend):
    name = "postgresql"

    # --- writing (inside the caller's transaction) -----------------------------------------

    def _write(self, documents: list[Document], gone: list[str]) -> None:
        for key in gone:
            kind, _, object_id = key.partition(":")
            db.session.execute(delete(SearchDocument).where(SearchDocument.kind == kind,
                                                            SearchDocument.object_id == int(object_id)))
        if not documents:
            return
        known: dict[tuple[str, int], str] = {}
        for kind in {d.kind for d in documents}:
            ids = [d.object_id for d in documents if d.kind == kind]
            known.update({(kind, o): h for o, h in db.session.execute(
                select(SearchDocument.object_id, SearchDocument.content_hash).where(
                    SearchDocument.kind == kind, SearchDocument.object_id.in_(ids)))})
        rows = [_row(d) for d in documents]
        db.session.execute(_UPSERT, rows)
        changed: dict[str, list[int]] = {}
        for doc, row in zip(documents, rows, strict=True):
            if known.get((doc.kind, doc.object_id)) != row["content_hash"]:
                changed.setdefault(doc.kind, []).append(doc.object_id)
        for kind, ids in changed.items():
            db.session.execute(_ADD_WORDS, {"kind": kind, "ids": ids})

    def _lock(self, ref: str) -> None:
        """Shared rebuild lock (fail fast while a rebuild runs), then this reference's own lock."""
        if not db.session.scalar(text("SELECT pg_try_advisory_xact_lock_shared(:k)"), {"k": REBUILD_LOCK}):
            raise IndexBusy("the search index is being rebuilt")
        db.session.execute(text("SELECT pg_advisory_xact_lock(:ns, hashtext(:ref))"),
                           {"ns": LOCK_NAMESPACE, "ref": ref})

    def update(self, documents: Iterable[Document] = (), gone: Iterable[str] = ()) -> None:
        self._write(list(documents), list(gone))

    def refresh(self, source: DocumentSource, ref_id: int) -> None:
        self._lock(f"{source.name}:{ref_id}")
        snapshot = source.snapshot(ref_id)  # read after the lock: the latest committed state
        self._write(snapshot.documents, snapshot.gone)

    def rebuild(self, sources: list[DocumentSource], *, batch_size: int = 500,
                progress: Progress | None = None) -> int:
        """Replace everything in one transaction: searches see the old rows until it commits."""
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": REBUILD_LOCK})
        db.session.execute(delete(SearchDocument))
        db.session.execute(delete(SearchWord))
        total = 0
        for source in sources:
            for refs, docs in source.batches(batch_size):
                self._write(docs, [])
                total += len(docs)
                if progress:
                    progress(refs)
        db.session.flush()
        # Rows written in bulk wait in the GIN indexes' pending lists, which every search reads
        # through until a vacuum merges them: merge them now (10× faster lookups of broad words).
        for name in ("ix_search_documents_search_vector", "ix_search_documents_title_vector"):
            db.session.execute(text("SELECT gin_clean_pending_list(CAST(:name AS regclass))"), {"name": name})
        db.session.execute(text("ANALYZE search_documents"))
        db.session.flush()
        return total

    def clear(self) -> None:
        db.session.execute(delete(SearchDocument))
        db.session.execute(delete(SearchWord))
        db.session.flush()

    def count(self) -> int:
        return db.session.scalar(select(func.count(SearchDocument.id))) or 0

    def keys(self) -> set[str]:
        return {f"{k}:{o}" for k, o in db.session.execute(select(SearchDocument.kind, SearchDocument.object_id))}

    # --- reading ---------------------------------------------------------------------------

    @staticmethod
    def _languages(filters: Filters) -> tuple[Language, ...]:
        """The languages a query is read in: the filter's, else every shipped one."""
        return (Language(filters.language),) if filters.language else tuple(CONFIGS)

    @staticmethod
    def _tsquery(query: ParsedQuery, params: dict, languages: tuple[Language, ...], *, any_word: bool = False,
                 positive_only: bool = False) -> str | None:
        """SQL for the tsquery, binding each clause's text; None when there is nothing to match.

        The text is read with each language's configuration and the readings OR-ed: a row
        matches when one reading matches it all, its own language's among them, so stop words
        of one language ("die") neither empty nor narrow another's reading, and it is one GIN
        lookup. A reading with no words left (only its language's stop words) drops out, its
        exclusions with it. (Joining each reading with its `lang:` lexeme would make the match
        exact, but those lexemes' long posting lists cost every query several milliseconds;
        a row matching another language's full reading is rare and relevant.) `positive_only`
        leaves the exclusions out: ts_rank and ts_headline score negations as zero.
        """
        if query.is_empty:
            return None
        if any_word:
            params["q_any"] = " or ".join(_alternative_text(a) for clause in query.clauses for a in clause)
            return " || ".join(f"websearch_to_tsquery('{CONFIGS[code]}', :q_any)" for code in languages)
        for i, clause in enumerate(query.clauses):
            params[f"q{i}"] = " or ".join(_alternative_text(a) for a in clause)
        for j, alternative in enumerate(query.excluded):
            params[f"x{j}"] = _alternative_text(alternative)
        readings = []
        for code in languages:  # fixed configuration names and bind-parameter names only
            config = CONFIGS[code]
            wanted = " && ".join(f"websearch_to_tsquery('{config}', :q{i})" for i in range(len(query.clauses)))
            if positive_only or not query.excluded:
                readings.append(f"({wanted})")
                continue
            reading = wanted
            for j in range(len(query.excluded)):
                reading = f"({reading}) && !! websearch_to_tsquery('{config}', :x{j})"
            # An empty tsquery drops out of ||; alone, "!! x" would match every row without x.
            readings.append(f"(CASE WHEN numnode({wanted}) > 0 THEN {reading} ELSE {wanted} END)")
        return " || ".join(readings)

    @staticmethod
    def _conditions(request: SearchRequest, params: dict, kinds: tuple[str, ...] = ()) -> list[str]:
        f = request.filters
        where = []
        if f.product:
            params["product"] = f.product
            where.append("d.product = :product")
        if f.tag:
            lexeme = _tag_lexeme(f.tag)
            if lexeme is None:
                where.append("false")
            else:
                params["tag_query"] = "'" + lexeme + "'"
                where.append("d.search_vector @@ CAST(:tag_query AS tsquery)")
        if f.kind:
            params["kind"] = f.kind
            where.append("d.kind = :kind")
        if kinds:
            params["kinds"] = list(kinds)
            where.append("d.kind = ANY(:kinds)")
        if f.solved:
            where.append("d.solved")
        if f.language:
            params["language_query"] = "'" + _language_lexeme(f.language) + "'"
            where.append("d.search_vector @@ CAST(:language_query AS tsquery)")
        return where

    @staticmethod
    def _inline(sql: str, tsquery: str | None, rank_query: str | None) -> str:
        """The statement with its queries written in place of `q.query` and `q.ranking`.

        In place rather than in a CTE: the planner then sees the actual tsquery (its values are
        bound parameters of an immutable function, folded when the statement is planned), so it
        estimates how many posts match and picks the index or a scan accordingly.
        """
        if not tsquery:
            return sql
        return sql.replace("q.query", f"({tsquery})").replace("q.ranking", f"({rank_query or tsquery})")

    @staticmethod
    def _matching(tsquery: str | None, where: list[str], rank_query: str | None) -> list[str]:
        """`where` and the match itself, left out when a title match implies it (no exclusions)."""
        if not tsquery or (rank_query is None and IN_TITLE in where):
            return where  # the title vector is part of the whole one: a title match is a match
        return ["d.search_vector @@ q.query", *where]

    def _run(self, tsquery: str | None, where: list[str], params: dict, order: str, limit: int,
             offset: int, rank_query: str | None = None, candidates: int | None = None) -> list:
        """One page of rows, with snippets computed for those rows only.

        `candidates`: order (rank) only that many matches, the newest, instead of all of them.
        """
        where = self._matching(tsquery, where, rank_query)
        if tsquery:
            relevance = "ts_rank(d.search_vector, q.ranking, 1) * d.rank_boost"
            headline = (f"ts_headline({_ROW_CONFIG}, left(r.body, {SNIPPET_SOURCE_CHARS}), q.ranking, :headline)",
                        f"CASE WHEN r.index_title THEN ts_headline({_ROW_CONFIG}, r.title, q.ranking, :title_headline) "
                        "ELSE r.title END")
            params.update(headline=HEADLINE, title_headline=TITLE_HEADLINE)
        else:
            relevance = "0.0"
            headline = ("NULL", "NULL")
        # Interpolated: fixed SQL fragments chosen above and bind-parameter names; every value is bound.
        sql = self._inline(f"""
            SELECT r.*, {headline[0]} AS snippet_marked, {headline[1]} AS title_marked
            FROM (
                SELECT d.kind, d.object_id, d.ref_id, d.title, d.index_title, d.body, d.tags, d.product,
                       d.created_at, d.score, d.accepted, d.solved, d.language, {relevance} AS relevance
                FROM {"(SELECT d.* FROM search_documents d WHERE " + " AND ".join(where) + " ORDER BY "
                      + NEWEST + " LIMIT :candidates) d" if candidates else
                      "search_documents d WHERE " + (" AND ".join(where) or "true")}
                ORDER BY {order}
                LIMIT :limit OFFSET :offset
            ) r
            ORDER BY {order.replace("d.", "r.")}
        """, tsquery, rank_query)  # noqa: S608
        params = {**params, "limit": limit, "offset": offset, **({"candidates": candidates} if candidates else {})}
        return db.session.execute(self._statement(sql, params), params).all()

    def _ranked(self, tsquery: str, rank_query: str | None, where: list[str], params: dict, order: str,
                limit: int, offset: int) -> list:
        """A relevance page of one tier: the newest CANDIDATES matches ranked, then the older ones, newest first.

        Ranking reads each match's whole vector; a broad word matches tens of thousands of posts,
        so only the newest CANDIDATES are ranked (what a reader of any page of the site's search
        sees), and a page past them continues in the order they were picked in.
        """
        rows = []
        if offset < CANDIDATES:
            wanted = min(limit, CANDIDATES - offset)
            rows = self._run(tsquery, where, params, order, wanted, offset, rank_query, CANDIDATES)
            if len(rows) < wanted:
                return rows  # fewer matches than candidates: that was all of them
        if len(rows) == limit:
            return rows
        return rows + self._run(tsquery, where, params, NEWEST, limit - len(rows), max(offset, CANDIDATES),
                                rank_query)

    def _count(self, tsquery: str | None, where: list[str], params: dict, cap: int,
               rank_query: str | None = None) -> int:
        """How many documents match, counting no further than `cap` (bounded work for broad queries)."""
        where = self._matching(tsquery, where, rank_query)
        sql = self._inline("SELECT count(*) FROM "  # noqa: S608 - fragments as above
                           f"(SELECT 1 FROM search_documents d WHERE {' AND '.join(where) or 'true'} LIMIT :cap) c",
                           tsquery, rank_query)
        params = {**params, "cap": cap}
        return db.session.scalar(self._statement(sql, params), params) or 0

    def _tiered(self, tsquery: str, rank_query: str | None, where: list[str], params: dict, order: str,
                limit: int, offset: int) -> list:
        """Relevance order in two tiers: title (and tag) matches, then the rest.

        A broad word matches a large share of all posts, and ranking every match costs a scan;
        its title matches are far fewer and, weighted A, rank first anyway. So the page is
        taken from title matches, and only a page they don't fill ranks the body-only ones.
        """
        in_title = IN_TITLE
        rows = self._ranked(tsquery, rank_query, [*where, in_title], params, order, limit, offset)
        if len(rows) == limit:
            return rows
        title_total = offset + len(rows)
        if not rows and offset:
            title_total = self._count(tsquery, [*where, in_title], params, offset, rank_query)
        rest = self._ranked(tsquery, rank_query, [*where, f"NOT ({in_title})"], params, order, limit - len(rows),
                            max(0, offset - title_total))
        return rows + rest

    @staticmethod
    def _statement(sql: str, params: dict):
        statement = text(sql)
        if "kinds" in params:
            statement = statement.bindparams(bindparam("kinds", type_=ARRAY(String)))
        return statement

    @staticmethod
    def _hits(rows) -> list[Hit]:
        return [Hit(
            kind=row.kind, object_id=row.object_id, ref_id=row.ref_id, title=row.title, product=row.product,
            tags=tuple(row.tags.split()), created_at=row.created_at, score=row.score, accepted=row.accepted,
            solved=row.solved, relevance=float(row.relevance or 0.0), language=row.language,
            title_segments=segments(row.title_marked) if row.title_marked else [(row.title, False)],
            snippet=PostgresBackend._snippet(row),
        ) for row in rows]

    @staticmethod
    def _snippet(row) -> list[tuple[str, bool]]:
        marked = row.snippet_marked
        if not marked or MARK_START not in marked:
            return lead(row.body)
        pieces = segments(marked)
        if not row.body.startswith(pieces[0][0]):
            pieces.insert(0, ("… ", False))
        if not row.body.endswith(pieces[-1][0]):
            pieces.append((" …", False))
        return pieces

    def search(self, request: SearchRequest) -> Results:
        params: dict = {}
        languages = self._languages(request.filters)
        tsquery = self._tsquery(request.query, params, languages)
        where = self._conditions(request, params)
        sort = request.sort if tsquery or request.sort != Sort.RELEVANCE else Sort.NEWEST
        order = {
            Sort.RELEVANCE: "relevance DESC, d.created_at DESC, d.object_id DESC",
            Sort.NEWEST: "d.created_at DESC, d.kind, d.object_id DESC",
            Sort.VOTES: "d.score DESC, d.created_at DESC, d.object_id DESC",
        }[sort]
        rank_query = self._tsquery(request.query, params, languages, positive_only=True)
        limit, offset = request.per_page, request.offset
        if sort == Sort.RELEVANCE:
            rows = self._tiered(tsquery, rank_query, where, params, order, limit, offset)
        else:
            rows = self._run(tsquery, where, params, order, limit, offset, rank_query)
        if offset == 0 and len(rows) < limit:
            total = len(rows)  # the whole result is on this page
        else:
            total = self._count(tsquery, where, params, COUNT_CAP + 1, rank_query)
        return Results(self._hits(rows), min(total, COUNT_CAP), total > COUNT_CAP)

    def exists(self, request: SearchRequest) -> bool:
        params: dict = {}
        tsquery = self._tsquery(request.query, params, self._languages(request.filters))
        return bool(self._count(tsquery, self._conditions(request, params), params, 1))

    def similar(self, query: ParsedQuery, *, kinds: tuple[str, ...], product: str | None = None,
                limit: int = 5) -> list[Hit]:
        params: dict = {}
        tsquery = self._tsquery(query, params, self._languages(Filters()), any_word=True)
        if tsquery is None:
            return []
        request = SearchRequest(query=query)
        where = self._conditions(request, params, kinds)
        if product:
            params["product"] = product
            where.append("d.product = :product")
        where.append(IN_TITLE)  # titles (and tags) alone: what a draft title is compared with
        # ranked among the newest CANDIDATES title matches, as a relevance page is
        return self._hits(self._run(tsquery, where, params, "relevance DESC, d.object_id DESC", limit, 0,
                                    candidates=CANDIDATES))

    def suggest(self, query: ParsedQuery) -> dict[str, str]:
        corrections: dict[str, str] = {}
        for word in query.words():
            if not word.isalpha() or len(word) < 3 or len(word) > 30:
                continue
            if db.session.get(SearchWord, word) is not None:
                continue
            best = db.session.execute(text(
                "SELECT word FROM search_words WHERE word % :w ORDER BY similarity(word, :w) DESC, freq DESC, word "
                "LIMIT 1"), {"w": word}).scalar()
            if best:
                corrections[word] = best
        return corrections
