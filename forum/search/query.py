"""What a visitor typed, made safe: a bounded, structured query every backend can translate.

No backend ever sees the raw string. Control characters go, the text is capped, wildcards and
stray operators are dropped, and what is left is a few clauses that must all match (each with
its alternatives, from `OR`), phrases from double quotes, and excluded words from a leading
`-` or `NOT`. Anything odd becomes a notice for the page, never an error.
"""

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 200
MAX_WORDS = 12
MAX_WORD_CHARS = 40
MAX_PAGE = 50

WORD_RE = re.compile(r"[^\W_](?:[\w'’+#.-]*[\w+#])?")
TOKEN_RE = re.compile(r'"|\s+|[^\s"]+')
WILDCARD_RE = re.compile(r"[*?]")


@dataclass(frozen=True)
class ParsedQuery:
    """A query as clauses that must all match; each clause has one or more alternatives.

    An alternative is a tuple of words: one word is a term, several are a phrase.
    """

    clauses: tuple[tuple[tuple[str, ...], ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = ()
    notices: tuple[str, ...] = ()
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    def words(self) -> list[str]:
        """Every wanted word, in order, without repeats (for suggestions and highlighting)."""
        seen: list[str] = []
        for clause in self.clauses:
            for alternative in clause:
                seen.extend(w for w in alternative if w not in seen)
        return seen

    def replaced(self, mapping: dict[str, str]) -> "ParsedQuery":
        """The same query with some words swapped (a spelling suggestion)."""
        def swap(alternative: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(mapping.get(w, w) for w in alternative)

        clauses = tuple(tuple(swap(a) for a in clause) for clause in self.clauses)
        return ParsedQuery(clauses, self.excluded, (), render(clauses, self.excluded))


def clean_text(raw: object, limit: int = MAX_QUERY_CHARS) -> tuple[str, list[str]]:
    """Normalize and cap free text; returns the text and notices about what was changed."""
    notices: list[str] = []
    text = raw if isinstance(raw, str) else ""
    if len(text) > limit * 4:
        text = text[: limit * 4]  # cheap pre-cut before normalizing a huge paste
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    text = " ".join(text.split())
    if len(text) > limit:
        cut = text[:limit]
        text = cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut
        notices.append(f"Your search was long, so only its first {limit} characters were used.")
    return text, notices


def _words(chunk: str) -> list[str]:
    return [w.lower() for w in WORD_RE.findall(chunk)]


def parse(raw: object) -> ParsedQuery:
    """Parse a visitor's query; never raises, whatever the input."""
    text, notices = clean_text(raw)
    if WILDCARD_RE.search(text):
        notices.append("Wildcards (* and ?) aren't supported: we searched for the words, and "
                       "related word forms match anyway.")
    clauses: list[list[tuple[str, ...]]] = []
    excluded: list[tuple[str, ...]] = []
    pending_or = negate = False
    in_phrase, phrase_words = False, []
    dropped_long = False
    count = 0

    def add(alternative: tuple[str, ...], *, exclude: bool) -> None:
        nonlocal pending_or, count
        if not alternative:
            return
        if count + len(alternative) > MAX_WORDS:
            alternative = alternative[: MAX_WORDS - count]
            if not alternative:
                return
        count += len(alternative)
        if exclude:
            excluded.append(alternative)
        elif pending_or and clauses:
            clauses[-1].append(alternative)
        else:
            clauses.append([alternative])
        pending_or = False

    def keep(words: list[str]) -> list[str]:
        nonlocal dropped_long
        kept = [w for w in words if len(w) <= MAX_WORD_CHARS]
        dropped_long |= len(kept) != len(words)
        return kept

    for piece in TOKEN_RE.findall(text):
        if piece == '"':
            if in_phrase:
                add(tuple(keep(phrase_words)), exclude=negate)
                negate = False
            in_phrase, phrase_words = not in_phrase, []
            continue
        if piece.isspace():
            continue
        if in_phrase:
            phrase_words.extend(_words(piece))
            continue
        if piece in ("OR", "|", "||"):
            pending_or = bool(clauses)
            continue
        if piece in ("AND", "&", "&&", "+"):
            continue
        if piece in ("NOT", "-", "!"):
            negate = True
            continue
        exclude = negate or piece.startswith(("-", "!"))
        negate = False
        for word in keep(_words(piece)):
            add((word,), exclude=exclude)
    if in_phrase:  # an unbalanced quote: the rest is the phrase
        add(tuple(keep(phrase_words)), exclude=negate)
    if dropped_long:
        notices.append(f"Words longer than {MAX_WORD_CHARS} characters were left out.")
    if count >= MAX_WORDS and len(_words(text)) > MAX_WORDS:
        notices.append(f"Only the first {MAX_WORDS} words were used.")
    frozen = tuple(tuple(c) for c in clauses)
    if not frozen and excluded:
        notices.append("Add at least one word to look for, not only words to leave out.")
    return ParsedQuery(frozen, tuple(excluded) if frozen else (), tuple(notices), render(frozen, tuple(excluded)))


def _show(alternative: tuple[str, ...]) -> str:
    return alternative[0] if len(alternative) == 1 else '"' + " ".join(alternative) + '"'


def render(clauses, excluded) -> str:
    """The canonical text of a parsed query (what the search box shows back)."""
    parts = [" OR ".join(_show(a) for a in clause) for clause in clauses]
    parts += ["-" + _show(a) for a in excluded]
    return " ".join(parts)


@dataclass(frozen=True)
class Filters:
    """Narrowing that doesn't depend on text: product slug, tag name, kind, solved threads, language.

    A language also narrows how the words are matched: only with that language's word forms.
    """

    product: str | None = None
    tag: str | None = None
    kind: str | None = None
    solved: bool = False
    language: str | None = None

    def active(self) -> bool:
        return bool(self.product or self.tag or self.kind or self.solved or self.language)


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    VOTES = "votes"
    ALL = (RELEVANCE, NEWEST, VOTES)


@dataclass(frozen=True)
class SearchRequest:
    query: ParsedQuery
    filters: Filters = field(default_factory=Filters)
    sort: str = Sort.RELEVANCE
    page: int = 1
    per_page: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page
