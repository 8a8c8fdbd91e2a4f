"""thefuzz's `fuzz.partial_ratio` (rapidfuzz 3 underneath), which mcp-atlassian 0.23.1 ranks fields by
(jira/fields.py `search_fields`), in pure Python: same scores, so the same order."""

from __future__ import annotations


def _lcs_length(pattern: str, text: str) -> int:
    """Length of the longest common subsequence of two strings (Hyyrö's bit-parallel algorithm)."""
    if not pattern or not text:
        return 0
    masks: dict[str, int] = {}
    for i, char in enumerate(pattern):
        masks[char] = masks.get(char, 0) | (1 << i)
    ones = (1 << len(pattern)) - 1
    row = ones
    for char in text:
        matched = row & masks.get(char, 0)
        row = ((row + matched) | (row - matched)) & ones
    return len(pattern) - bin(row).count("1")


def _similarity(needle: str, window: str) -> float:
    """rapidfuzz's normalized Indel similarity, 0..1: 1 - (insertions + deletions) / (total length)."""
    total = len(needle) + len(window)
    distance = total - 2 * _lcs_length(needle, window)
    return 1.0 - distance / total


def _best_window(needle: str, haystack: str) -> float:
    """The best similarity of the needle (not longer than the haystack) to a window of the haystack: every
    substring as long as the needle, and the shorter prefixes and suffixes (rapidfuzz `partial_ratio_impl`)."""
    size = len(needle)
    windows = [haystack[i:i + size] for i in range(len(haystack) - size + 1)]
    windows += [haystack[:i] for i in range(1, size)] + [haystack[-i:] for i in range(1, size)]
    return max(_similarity(needle, window) for window in windows)


def partial_ratio(s1: str, s2: str) -> int:
    """`thefuzz.fuzz.partial_ratio(s1, s2)`: 0..100, how well the shorter string matches its best-fitting part of
    the longer one (100 when it is a substring), rounded as Python rounds (half to even). Two strings of the same
    length are tried both ways round; an empty string scores 0 (100 when both are)."""
    if not s1 and not s2:
        return 100
    if not s1 or not s2:
        return 0
    shorter, longer = (s1, s2) if len(s1) <= len(s2) else (s2, s1)
    score = _best_window(shorter, longer)
    if len(s1) == len(s2) and score < 1.0:
        score = max(score, _best_window(longer, shorter))
    return int(round(score * 100))
