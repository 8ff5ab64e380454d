"""Text statistics over a small corpus of documents: tokens, n-grams, readability."""
import math
import re
import string
import unicodedata
from collections import Counter
from functools import lru_cache

DOCS = {
    "intro": "The quick brown fox jumps over the lazy dog. It was not amused!",
    "lorem": "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed do eiusmod tempor.",
    "numbers": "One two three. Four five six seven. Eight nine ten eleven twelve.",
    "empty": "   ",
    "quote": "To be, or not to be: that is the question.",
}
STOPWORDS = {"the", "a", "an", "to", "or", "is", "it", "was", "not", "be", "that", "of"}
_WORD = re.compile(r"[a-z']+")


def normalize(text):
    text = unicodedata.normalize("NFKC", text).lower()
    return text.translate(str.maketrans("", "", string.digits))


def tokens(text):
    return _WORD.findall(normalize(text))


def sentences(text):
    return [s.strip() for s in re.split(r"[.!?]+", text) if s.strip()]


@lru_cache(maxsize=None)
def syllables(word):
    vowels = "aeiouy"
    count = 0
    prev = False
    for ch in word:
        is_v = ch in vowels
        if is_v and not prev:
            count += 1
        prev = is_v
    return max(1, count)


def ngrams(words, n):
    return [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]


def readability(text):
    words = tokens(text)
    sents = sentences(text)
    if not words or not sents:
        return 0.0
    syl = sum(syllables(w) for w in words)
    return 206.835 - 1.015 * (len(words) / len(sents)) - 84.6 * (syl / len(words))


def entropy(words):
    counts = Counter(words)
    total = sum(counts.values())
    return -sum(c / total * math.log2(c / total) for c in counts.values())


def keywords(words, k=3):
    counts = Counter(w for w in words if w not in STOPWORDS)
    return [w for w, _ in counts.most_common(k)]


def longest_word(words):
    ranked = sorted(words, key=len, reverse=True)
    return ranked[0]


class Report:
    def __init__(self):
        self.rows = []

    def add(self, name, text):
        words = tokens(text)
        row = {
            "name": name,
            "words": len(words),
            "sentences": len(sentences(text)),
            "readability": round(readability(text), 1),
            "bigrams": len(ngrams(words, 2)),
            "keywords": keywords(words),
            "longest": longest_word(words),
        }
        if words:
            row["entropy"] = round(entropy(words), 3)
        self.rows.append(row)

    def table(self):
        out = []
        for row in self.rows:
            out.append(" | ".join(f"{k}={v}" for k, v in row.items()))
        return "\n".join(out)


def main():
    report = Report()
    for name, text in DOCS.items():
        report.add(name, text)
    print(report.table())
    total = sum(r["words"] for r in report.rows)
    print("total words", total)


main()
