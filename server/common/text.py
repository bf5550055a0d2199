"""Text normalization for search: accent- and case-insensitive on every database."""

import re
import unicodedata


def fold(text: str | None) -> str:
    """'São JOSÉ ' -> 'sao jose': lowercase, no accents, single spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())


def digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def search_blob(*parts: str | None) -> str:
    """What a search column holds: the folded parts, and their digits alone for documents."""
    return " | ".join(p for p in (fold(part) for part in parts) if p)


def like_pattern(term: str) -> str:
    """A LIKE pattern for a folded term, with LIKE's wildcards escaped (escape char '\\')."""
    escaped = fold(term).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def clip(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut between words with "…" (never mid-word)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.—-") + "…"
