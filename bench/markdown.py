"""Benchmark rendering hostile markdown: CPU time of the worst families and of fuzzed input.

Every family is as long as a post may be (forum/markup.py's MAX_MARKDOWN_CHARS, 30,000
characters) unless it says otherwise. The fuzzed family joins seeded-random markdown
fragments (brackets, parentheses, quotes, backticks, raw-HTML openers, emphasis, newlines,
words) up to the limit; each seed is one input and the slowest is reported. Run:

    .venv/bin/python -m bench.markdown [--fuzz 40] [--only "[" "<a "] [--scale 1.0]

Target: every line ≤ 250 ms of CPU (`time.process_time`, median of --repeat runs).
"""

import argparse
import random
import statistics
import time

from forum.markup import MAX_MARKDOWN_CHARS, render_markdown


def _repeat(unit: str, chars: int) -> str:
    return unit * (chars // len(unit))


# Name → (unit, characters): the three families first, then the others this bench found.
FAMILIES: dict[str, tuple[str, int]] = {
    "[ × 20,000": ("[", 20_000),
    "![ × 10,000": ("![", 20_000),
    "[a]( × 5,000": ("[a](", 20_000),
    "[ × 30,000": ("[", MAX_MARKDOWN_CHARS),
    "[a][ (unclosed references)": ("[a][", MAX_MARKDOWN_CHARS),
    '[a](b "c)  (a title that never closes)': ('[a](b "c) ', MAX_MARKDOWN_CHARS),
    "([ ": ("([", MAX_MARKDOWN_CHARS),
    "<a  (raw HTML openers)": ("<a ", MAX_MARKDOWN_CHARS),
    "<a newline": ("<a\n", MAX_MARKDOWN_CHARS),
    "<http://": ("<http://", MAX_MARKDOWN_CHARS),
    "<div> (nested raw HTML)": ("<div>", MAX_MARKDOWN_CHARS),
    "<b></i> (unbalanced raw HTML)": ("<b></i>", MAX_MARKDOWN_CHARS),
}

FRAGMENTS = ["[", "]", "(", ")", "![", "](", "[a]", "<", "<a ", "</", "<!--", ">", "'", '"', "`", "``", "*",
             "_", "**", "&", "&#", "|", "\\", "\n", "\n\n", "> ", "- ", "1. ", "    ", "http://x.example/",
             "word ", "a", " "]


def fuzzed(seed: int, chars: int = MAX_MARKDOWN_CHARS) -> str:
    """A hostile-looking post: random markdown fragments, a few of them favoured per seed."""
    rng = random.Random(seed)
    favoured = rng.sample(FRAGMENTS, 3)
    weights = [25 if fragment in favoured else 1 for fragment in FRAGMENTS]
    parts: list[str] = []
    length = 0
    while length < chars:
        part = rng.choices(FRAGMENTS, weights)[0]
        parts.append(part)
        length += len(part)
    return "".join(parts)[:chars]


def cpu_ms(text: str, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.process_time()
        render_markdown(text)
        timings.append((time.process_time() - start) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzz", type=int, default=40, help="fuzzed inputs (seeds 0..N-1)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0, help="shrink the families (for a slow 'before')")
    parser.add_argument("--only", nargs="*", help="family names starting with these")
    args = parser.parse_args()
    print(f"{'family':48} {'chars':>7} {'CPU ms':>9}")
    for name, (unit, chars) in FAMILIES.items():
        if args.only and not any(name.startswith(prefix) for prefix in args.only):
            continue
        text = _repeat(unit, int(chars * args.scale))
        print(f"{name:48} {len(text):7} {cpu_ms(text, args.repeat):9.1f}", flush=True)
    if args.fuzz:
        results = [(cpu_ms(fuzzed(seed, int(MAX_MARKDOWN_CHARS * args.scale)), 1), seed) for seed in range(args.fuzz)]
        _, seed = max(results)
        print(f"{f'fuzzed, worst of {args.fuzz} (seed {seed})':48} {int(MAX_MARKDOWN_CHARS * args.scale):7} "
              f"{cpu_ms(fuzzed(seed, int(MAX_MARKDOWN_CHARS * args.scale)), args.repeat):9.1f}")
        print(f"{'fuzzed, median':48} {'':7} {statistics.median(r for r, _ in results):9.1f}")


if __name__ == "__main__":
    main()
