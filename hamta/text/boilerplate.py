"""Flags for news-page furniture: lines that stay in the output but that later stages skip.

Why rules and not a classifier: furniture is a small closed set of phrasings per outlet family
("کد خبر: ۱۰۳۶۳۲", "انتهای پیام", "المصدر: وكالات", "Share this article", a comment form), while content
lines are open-ended. Every rule therefore matches a *whole* line (or a whole ``|``-separated segment)
made only of furniture vocabulary, so a content sentence that merely mentions a source, a date or a
search ("منبع آگاه گفت ...", "البحث عن المفقودين مستمر") is never flagged.

The vocabulary is data (``hamta/data/boilerplate_words.tsv``; month and weekday names from
`hamta.text.dates`), compared after folding (see :func:`match_key`, built on `hamta.text.normalize.fold`):
yeh/kaf/hamza variants, teh marbuta, diacritics, tatweel, ZWNJ and digit systems, so "كد خبر", "کد خبر"
and "كد خبر: ١٢٣" all match.

Example:
    >>> boilerplate_kind("کد خبر: ۱۰۳۶۳۲", "fa")
    'news_code'
    >>> boilerplate_kind("منبع آگاه در وزارت نفت گفت قرارداد امضا شد.", "fa") is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from hamta.text.dates import calendar_vocabulary
from hamta.text.normalize import fold
from hamta.text.wordlists import load_word_lists

__all__ = ["KINDS", "boilerplate_kind", "flag_boilerplate", "match_key"]

#: every kind this module can return
KINDS = (
    "counter",
    "news_code",
    "timestamp",
    "end_of_message",
    "source_credit",
    "byline_meta",
    "comment_form",
    "search_link",
    "archive_link",
    "share_links",
    "read_more",
    "tags",
    "copyright",
    "advertisement",
    "navigation",
    "separator",
)
_LANGS = ("fa", "ar", "en", "other")

#: furniture labels are short: a "label: value" line longer than this is content
MAX_LABEL_VALUE_WORDS = 8
#: a notice (comment policy, copyright) longer than this is content
MAX_NOTICE_WORDS = 30
#: in the page footer, lines of at most this many words may continue a furniture block
MAX_FOOTER_FORM_WORDS = 6

# --- folding -------------------------------------------------------------------------------------------
# Letters, digits, diacritics, spaces and case fold by hamta.text.normalize.fold (one folding for every
# module); boilerplate adds only punctuation that its rules treat as one: Arabic comma/semicolon, dashes,
# guillemets.
_PUNCT = str.maketrans({"،": ",", "؛": ";", "–": "-", "—": "-", "«": '"', "»": '"'})
_SPACE_RE = re.compile(r"\s+")


def match_key(text: str) -> str:
    """The folded form every rule is written against: `fold` plus the punctuation above, with all
    whitespace (line breaks too) collapsed to one space and the ends stripped.

    Example:
        >>> match_key("كد الخبر:  ١٢٣") == match_key("کد الخبر: 123")
        True
    """
    return _SPACE_RE.sub(" ", fold(text).translate(_PUNCT)).strip()


# --- vocabulary (hamta/data/boilerplate_words.tsv) -----------------------------------------------------
_VOCABULARY = load_word_lists("boilerplate_words.tsv")


def _vocabulary(name: str) -> frozenset[str]:
    """One list of the data file, folded like the lines it is compared with."""
    return frozenset(match_key(entry) for entry in _VOCABULARY[name])


_NEWS_CODE_LABELS = _vocabulary("news_code_label")
_SOURCE_LABELS = _vocabulary("source_label")
_BYLINE_LABELS = _vocabulary("byline_label")
_TAG_LABELS = _vocabulary("tag_label")
_READ_MORE_LABELS = _vocabulary("read_more_label")
_COMMENT_FORM_PHRASES = _vocabulary("comment_form")
_COMMENT_WORDS = _vocabulary("comment_word")
_SEARCH_PHRASES = _vocabulary("search_link")
_ARCHIVE_PHRASES = _vocabulary("archive_link")
_SHARE_WORDS = _vocabulary("share_word")
_SHARE_CORE = _vocabulary("share_core")
_AD_PHRASES = _vocabulary("advertisement")
_NAVIGATION_PHRASES = _vocabulary("navigation")
_END_MARKERS = _vocabulary("end_marker")
_VIEW_WORDS = _vocabulary("view_word")
# Month, weekday and relative-day names come from hamta.text.dates (one vocabulary for every module).
_DATE_WORDS = _vocabulary("date_word") | frozenset(match_key(w) for w in calendar_vocabulary())
# Comment-policy notices: (words that must all occur) x (a comment word); at most MAX_NOTICE_WORDS words.
# Patterns, not word lists, so they stay in code; they are folded like the lines they search (folding
# changes only letters, digits and spaces, never regex syntax), so "مسيئ" meets the folded "مسیی".
_COMMENT_POLICY_RE = re.compile(
    fold(
        "|".join(
            [
                r"(نظر|دیدگاه).*(توهین|تایید|منتشر نخواهد|منتشر نمی|فینگلیش|حروف لاتین|خودداری)",
                r"(توهین|فینگلیش|حروف لاتین).*(نظر|دیدگاه)",
                r"تعلیق.*(مسیئ|لا تعبر|تعبر عن|مراجعه|لن ینشر|لن یتم نشر|لا ینشر|نشرها)",
                r"(لا تعبر|مسیئ).*تعلیق",
                r"(email|e-mail) address will not be published",
                r"required fields are marked",
                r"comments? (are|is|will be) (moderated|reviewed)",
                r"comments?.*(will not|won't|may not) be published",
                r"(offensive|abusive).*comments?|comments?.*(offensive|abusive)",
            ]
        )
    )
)
#: copyright notices, folded like the comment-policy patterns
_COPYRIGHT_RE = re.compile(
    fold(r"©|\(c\) ?\d{4}|copyright|all rights reserved|کپی ?رایت|حقوق.*محفوظ|جميع الحقوق|حقوق النشر")
)
_TOKEN_RE = re.compile(r"\d+|[^\W\d_]+(?:[.'][^\W\d_]+)*\.?")
_NUMBER_ONLY_RE = re.compile(r"[(\[#]?\s*\d{1,7}([.,/]\d{1,3})?\s*[)\].]?")
_DATE_DIGITS_RE = re.compile(r"\d{1,4}[/:.-]\d{1,2}")
_SEGMENT_SPLIT_RE = re.compile(r"\s*[|•·]\s*")
_LABEL_VALUE_RE = re.compile(r"^[*\s]*(?P<label>[^:]{1,40}?)\s*:\s*(?P<value>.*)$")
_SENTENCE_END_RE = re.compile(r"[.!?؟…]\s*[\"')\]]*$")
_END_MARKER_RE = re.compile(
    r"^[\W_]*(?P<marker>[^\W\d_]+(?: [^\W\d_]+){0,2})[\W_]*(?P<code>(?:[\w.*/-]{1,12}\s*){0,3})$"
)


def _tokens(key: str) -> list[str]:
    return _TOKEN_RE.findall(key)


def _word_count(key: str) -> int:
    return sum(not t.isdigit() for t in _tokens(key))


def _bare(key: str) -> str:
    """The key without leading/trailing symbols (``* نظر:`` -> ``نظر``)."""
    return key.strip(" *:•·-–—|/\\>»«\"'()[]{}.,;!?#")


# --- one rule per kind ---------------------------------------------------------------------------------
def _is_counter(key: str) -> bool:
    if _NUMBER_ONLY_RE.fullmatch(key) or _NUMBER_ONLY_RE.fullmatch(_bare(key)):
        return True
    tokens = _tokens(key)
    # "۱۲۳ بازدید", "تعداد بازدید: ۴۵", "Views: 1,024", "3 تعليقات"-like view/read counters
    return (
        any(t.isdigit() for t in tokens)
        and any(t in _VIEW_WORDS for t in tokens)
        and all(t.isdigit() or t in _VIEW_WORDS for t in tokens)
    )


def _is_timestamp(key: str) -> bool:
    tokens = _tokens(key)
    if not any(t.isdigit() for t in tokens) or len(tokens) > 16:
        return False
    words = [t.rstrip(".") if t.rstrip(".") in _DATE_WORDS else t for t in tokens if not t.isdigit()]
    # a month/weekday/time word, or digits shaped like a date or time (1394/08/06, 15:27, 2018-10-05)
    return all(w in _DATE_WORDS for w in words) and bool(words or _DATE_DIGITS_RE.search(key))


def _label_value(key: str) -> tuple[str, str] | None:
    match = _LABEL_VALUE_RE.match(key)
    if not match:
        return None
    return _bare(match["label"]), match["value"].strip()


def _is_news_code(key: str) -> bool:
    lv = _label_value(key)
    if lv is None:
        # "کد خبر ۱۲۳" without a colon
        m = re.fullmatch(r"(?P<label>\D+?)\s*(?P<value>[\w-]*\d[\w-]*)", _bare(key))
        lv = (m["label"], m["value"]) if m else None
    if lv is None:
        return False
    label, value = lv
    return label in _NEWS_CODE_LABELS and bool(re.fullmatch(r"[\w/-]*\d[\w/-]*", value))


def _short_value(value: str) -> bool:
    return 0 < _word_count(value) <= MAX_LABEL_VALUE_WORDS and not _SENTENCE_END_RE.search(value.rstrip())


def _is_source_credit(key: str) -> bool:
    lv = _label_value(key)
    return lv is not None and lv[0] in _SOURCE_LABELS and _short_value(lv[1])


def _is_byline_meta(key: str) -> bool:
    lv = _label_value(key)
    if lv is not None:
        return lv[0] in _BYLINE_LABELS and _short_value(lv[1])
    # "(Reporting by Jane Doe; Editing by John Roe)" and "By Jane Doe"
    bare = _bare(key)
    if re.match(r"(additional )?(reporting|writing|editing) by ", bare):
        return _word_count(bare) <= 3 * MAX_LABEL_VALUE_WORDS
    return bool(re.fullmatch(r"by [^\W\d_]+(?:[ .'-][^\W\d_]+){0,4}", bare))


def _is_tags(key: str) -> bool:
    lv = _label_value(key)
    return lv is not None and lv[0] in _TAG_LABELS and 0 < _word_count(lv[1]) <= 3 * MAX_LABEL_VALUE_WORDS


def _is_read_more(key: str) -> bool:
    if _bare(key) in _READ_MORE_LABELS:
        return True
    lv = _label_value(key)  # "Read more: <another article's title>"
    if lv is None or lv[0] not in _READ_MORE_LABELS:
        return False
    return 0 < _word_count(lv[1]) <= 2 * MAX_LABEL_VALUE_WORDS


def _is_comment_form(key: str) -> bool:
    bare = _bare(key)
    if bare in _COMMENT_FORM_PHRASES:
        return True
    tokens = _tokens(bare)
    # "۰ نظر", "12 comments", "3 تعليقات"
    if len(tokens) == 2 and tokens[0].isdigit() and tokens[1] in _COMMENT_WORDS:
        return True
    return _word_count(key) <= MAX_NOTICE_WORDS and bool(_COMMENT_POLICY_RE.search(key))


def _is_share_links(key: str) -> bool:
    tokens = [t for t in _tokens(_bare(key)) if not t.isdigit()]
    return bool(tokens) and all(t in _SHARE_WORDS for t in tokens) and any(t in _SHARE_CORE for t in tokens)


def _is_end_of_message(key: str) -> bool:
    match = _END_MARKER_RE.match(key)
    if not match or match["marker"] not in _END_MARKERS:
        return False
    # what follows the marker must look like an editor's code (852, ع.ع, 1074**1407), not words
    return all(
        any(c.isdigit() or not c.isalnum() for c in code) or len(code) <= 3 for code in match["code"].split()
    )


def _is_copyright(key: str) -> bool:
    return _word_count(key) <= MAX_NOTICE_WORDS and bool(_COPYRIGHT_RE.search(key))


def _in(phrases: frozenset[str]) -> Callable[[str], bool]:
    return lambda key: _bare(key) in phrases


# Order matters only where two rules could both match; the more specific rule comes first.
_RULES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("counter", _is_counter),
    ("news_code", _is_news_code),
    ("timestamp", _is_timestamp),
    ("end_of_message", _is_end_of_message),
    ("source_credit", _is_source_credit),
    ("byline_meta", _is_byline_meta),
    ("comment_form", _is_comment_form),
    ("search_link", _in(_SEARCH_PHRASES)),
    ("archive_link", _in(_ARCHIVE_PHRASES)),
    ("share_links", _is_share_links),
    ("read_more", _is_read_more),
    ("tags", _is_tags),
    ("copyright", _is_copyright),
    ("advertisement", _in(_AD_PHRASES)),
    ("navigation", _in(_NAVIGATION_PHRASES)),
)


def _segment_kind(key: str) -> str | None:
    for kind, rule in _RULES:
        if rule(key):
            return kind
    return None


def _check_lang(lang: str) -> None:
    if lang not in _LANGS:
        raise ValueError(f"boilerplate: unknown language {lang!r}; expected one of {', '.join(_LANGS)}")


def boilerplate_kind(line: str, lang: str) -> str | None:
    """The kind of page furniture ``line`` is, or None for content.

    ``lang`` is the line's (or document's) language; it is checked, but the rules of all three languages
    apply to every line, because furniture in another language is common (an English "Share" bar on a
    Persian page). A line of several ``|``/``•``-separated segments is furniture when every segment is
    (``کد خبر: ۱۲۳ | ۱۵:۲۷ - ۰۶ آبان ۱۳۹۴``); it takes the first segment's kind. Empty lines are None.

    Example:
        >>> boilerplate_kind("۱۵:۲۷ - ۰۶ آبان ۱۳۹۴", "fa")
        'timestamp'
        >>> boilerplate_kind("المصدر: وكالات", "ar")
        'source_credit'
    """
    _check_lang(lang)
    key = match_key(line)
    if not key:
        return None
    if not any(ch.isalnum() for ch in key):
        return "separator"  # "***", "---", "■ ■ ■"
    kind = _segment_kind(key)
    if kind is not None:
        return kind
    segments = [s for s in _SEGMENT_SPLIT_RE.split(key) if s]
    if len(segments) > 1:
        kinds = [_segment_kind(s) for s in segments]
        if all(kinds):
            return kinds[0]
    return None


def _is_footer_field(line: str) -> bool:
    """A short, sentence-less line such as a form label, a code or a button caption."""
    key = match_key(line)
    if not _tokens(key) or _SENTENCE_END_RE.search(key):
        return False
    return _word_count(key) <= MAX_FOOTER_FORM_WORDS


def flag_boilerplate(lines: Sequence[str], lang: str) -> list[str | None]:
    """Kinds for the lines of one document, using context that a single line lacks.

    On top of :func:`boilerplate_kind` per line:

    * footer blocks: after the article's last content sentence, a short field-like line (form label,
      button, code) that sits between two furniture lines, or that follows a comment-form line,
      takes the kind of the furniture line before it;
    * a short code right after an end-of-message marker (``انتهای پیام`` / ``۸۵۲``) is part of it.

    Example:
        >>> flag_boilerplate(["خبر اصلی این است.", "ارسال نظرات", "نام و ایمیل شما", "* نظر:"], "fa")
        [None, 'comment_form', 'comment_form', 'comment_form']
    """
    _check_lang(lang)
    kinds = [boilerplate_kind(line, lang) for line in lines]
    nonempty = [i for i, line in enumerate(lines) if line.strip()]
    if not nonempty:
        return kinds
    # The footer starts after the last unflagged line that is not footer-field-like (i.e. content).
    content = [i for i in nonempty if kinds[i] is None and not _is_footer_field(lines[i])]
    footer_start = content[-1] + 1 if content else 0
    prev_kind: str | None = None
    for pos, i in enumerate(nonempty):
        if i < footer_start:
            continue
        if kinds[i] is not None:
            prev_kind = kinds[i]
            continue
        if prev_kind is None:
            continue
        later = [kinds[j] for j in nonempty[pos + 1 :]]
        if prev_kind in ("comment_form", "end_of_message") or any(k is not None for k in later):
            kinds[i] = prev_kind
            prev_kind = kinds[i]
    return kinds
