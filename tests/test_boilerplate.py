"""Boilerplate flags: news-page furniture is flagged by kind; content lines never are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hamta.text.boilerplate import KINDS, boilerplate_kind, flag_boilerplate, match_key
from hamta.text.normalize import fold
from hamta.text.wordlists import load_word_lists

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
REFERENCE = ROOT / "seeds" / "reference"
SHARED = Path(os.environ.get("HAMTA_SHARED", Path(__file__).resolve().parents[2] / "shared"))
NTREX = SHARED / "data" / "ntrex-dev"


def _invented_rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in (FIXTURES / "boilerplate_invented.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lang, kind, text = line.split("\t")
            rows.append((lang, kind, text))
    return rows


INVENTED = _invented_rows()


@pytest.mark.parametrize(
    ("lang", "kind", "line"), INVENTED, ids=[f"{r[0]}-{r[1]}-{i}" for i, r in enumerate(INVENTED)]
)
def test_invented_furniture_and_content(lang: str, kind: str, line: str) -> None:
    """Lines made up from typical fa/ar/en news sites (not the seeds): furniture kinds and content."""
    expected = None if kind == "-" else kind
    assert boilerplate_kind(line, lang) == expected


def test_invented_fixture_covers_every_required_kind_and_content() -> None:
    kinds = {kind for _, kind, _ in INVENTED}
    required = {
        "counter",
        "news_code",
        "timestamp",
        "end_of_message",
        "source_credit",
        "comment_form",
        "search_link",
        "archive_link",
    }
    assert required <= kinds and "-" in kinds
    assert sum(kind == "-" for _, kind, _ in INVENTED) >= 25


@pytest.mark.parametrize(
    ("line", "lang", "expected"),
    [
        ("۰", "fa", "counter"),
        ("12", "en", "counter"),
        ("(3)", "ar", "counter"),
        ("• 3", "fa", "counter"),
        ("۱۴۰۲/۰۵/۱۲", "fa", "timestamp"),
        ("2015", "en", "counter"),
        ("کد خبر: ۱۲۳۴۵", "fa", "news_code"),
        ("كد خبر: ١٢٣٤٥", "fa", "news_code"),  # Arabic kaf/yeh and digits fold to the same key
        ("۱۰:۲۰ - ۱۲ آذر ۱۴۰۰", "fa", "timestamp"),
        ("انتهای پیام/ ۹۱۳", "fa", "end_of_message"),
        ("انتهى", "ar", "end_of_message"),
        ("منبع: IRNA", "fa", "source_credit"),
        ("المصدر: الوفاق", "ar", "source_credit"),
        ("* نظر:", "fa", "comment_form"),
        ("ایمیل:", "fa", "comment_form"),
        ("البحث", "ar", "search_link"),
        ("الارشيف التاريخي", "ar", "archive_link"),  # hamza dropped, as often on the web
        ("Share this article", "en", "share_links"),
        ("Read more", "en", "read_more"),
        ("Comments", "en", "comment_form"),
        ("---", "en", "separator"),
        ("کد خبر: ۱۲۳ | ۱۰:۲۰ - ۱۲ آذر ۱۴۰۰", "fa", "news_code"),  # every segment is furniture
        # content
        ("", "fa", None),
        ("به گزارش «شیعه نیوز»، وزیر ارتباطات در کنفرانس خبری شرکت کرد.", "fa", None),
        ("وی چهارشنبه شب بغداد را به قصد زیارت عتبات عالیات ترک کرد.", "fa", None),
        ("وأضاف هاشمي أيضا:", "ar", None),
        ("طهران وبغداد تبحثان مشاريع الترانزيت وزيادة سعات الإنترنت", "ar", None),
        ("الوفاق/وكالات- بحث وزيرا الاتصالات الايراني والعراقية سبل التعاون", "ar", None),
        ("کد خبر: ۱۲۳ | وزیر ارتباطات وارد بغداد شد", "fa", None),  # one segment is content
        ("Source: the ministry said the deal, worth $50 million, would be signed on Monday.", "en", None),
        ("انتهای پیام وزیر به مردم روشن بود.", "fa", None),
    ],
)
def test_boilerplate_kind_table(line: str, lang: str, expected: str | None) -> None:
    assert boilerplate_kind(line, lang) == expected


def test_unknown_language_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown language 'de'"):
        boilerplate_kind("Share", "de")
    with pytest.raises(ValueError, match="unknown language"):
        flag_boilerplate(["Share"], "xx")


def test_match_key_folds_spelling_variants() -> None:
    assert match_key("كد خبر:  ١٢٣") == match_key("کد خبر: ۱۲۳") == "کد خبر: 123"
    assert match_key("الأرشيف") == match_key("الارشيف")
    assert match_key("سه‌شنبه") == match_key("سه شنبه")
    assert match_key("Share  THIS") == "share this"


@given(st.text(max_size=40))
def test_match_key_is_fold_on_one_line(line: str) -> None:
    # boilerplate folds letters and digits exactly as hamta.text.normalize.fold; it only adds
    # punctuation and collapses line breaks
    key = match_key(line)
    assert key == match_key(fold(line)) == key.strip()
    assert not any(c in key for c in "\n\r\t‌،؛«»")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # the folded pattern meets the folded line (hamza on yeh folds to ی on both sides)
        ("التعليقات المسيئة ستحذف", "comment_form"),
        # a row of ornaments (U+06DE) is a separator, not an empty line
        ("۞ ۞ ۞", "separator"),
    ],
)
def test_folding_fixes(line: str, expected: str) -> None:
    assert boilerplate_kind(line, "ar") == expected


@pytest.mark.parametrize("name", ["comment_word", "share_word", "share_core", "view_word", "date_word"])
def test_word_list_entries_are_single_tokens(name: str) -> None:
    # word lists are matched token by token: an entry that folds to two words (a ZWNJ compound) never matches
    for entry in load_word_lists("boilerplate_words.tsv")[name]:
        assert " " not in match_key(entry), entry


def _seed_reference() -> tuple[dict[str, list[str]], set[tuple[str, int, str]]]:
    docs = {
        p.name[:3]: p.read_text(encoding="utf-8").splitlines() for p in sorted(REFERENCE.glob("*.seg.txt"))
    }
    gold = set()
    for row in (REFERENCE / "boilerplate.tsv").read_text(encoding="utf-8").splitlines():
        if row.strip():
            doc, idx, kind = row.split("\t")
            gold.add((doc, int(idx), kind))
    return docs, gold


@pytest.mark.skipif(
    not (REFERENCE / "boilerplate.tsv").is_file(), reason="seeds/reference is not in this checkout"
)
def test_seed_reference_flags_match_exactly() -> None:
    docs, gold = _seed_reference()
    assert len(docs) == 5
    predicted = set()
    for doc, lines in docs.items():
        lang = "fa" if doc in ("000", "001") else "ar"
        for idx, kind in enumerate(flag_boilerplate(lines, lang)):
            if kind is not None:
                predicted.add((doc, idx, kind))
    assert predicted == gold


@pytest.mark.slow
@pytest.mark.skipif(not NTREX.is_dir(), reason="../shared/data/ntrex-dev is not available")
def test_ntrex_news_sentences_are_content() -> None:
    """2,964 real news sentences and headlines: none is furniture, by line or in document context."""
    docids = (NTREX / "dev.docids").read_text(encoding="utf-8").splitlines()
    for lang in ("fa", "ar", "en"):
        lines = (NTREX / f"dev.{lang}").read_text(encoding="utf-8").splitlines()
        flagged = [line for line in lines if boilerplate_kind(line, lang)]
        assert flagged == []
        start = 0
        while start < len(lines):
            end = start
            while end < len(lines) and docids[end] == docids[start]:
                end += 1
            assert flag_boilerplate(lines[start:end], lang) == [None] * (end - start)
            start = end


ARTICLE = [
    "وزیر ارتباطات و فناوری اطلاعات امروز برای یک دیدار رسمی وارد بغداد شد.",
    "وی در دیدار با همتای عراقی خود بر گسترش همکاری‌های مخابراتی تأکید کرد.",
]


def test_footer_form_block_takes_its_kind_from_context() -> None:
    lines = [*ARTICLE, "ارسال نظرات", "نام شما را وارد کنید", "آدرس وب سایت", "* نظر:"]
    kinds = flag_boilerplate(lines, "fa")
    assert kinds[:2] == [None, None]
    assert kinds[2:] == ["comment_form"] * 4
    # per line, the two free-text labels are unknown: context is what flags them
    assert boilerplate_kind("آدرس وب سایت", "fa") is None


def test_code_after_end_of_message_belongs_to_it() -> None:
    kinds = flag_boilerplate([*ARTICLE, "انتهای پیام", "ک.ب"], "fa")
    assert kinds == [None, None, "end_of_message", "end_of_message"]


def test_short_content_lines_inside_the_article_stay_content() -> None:
    lines = ["۰", "وزیر ارتباطات ایران عنوان کرد:", "تطوير التعاون التكنولوجي", *ARTICLE, "منبع: ایرنا"]
    kinds = flag_boilerplate(lines, "fa")
    assert kinds == ["counter", None, None, None, None, "source_credit"]


def test_a_short_last_line_after_content_is_not_flagged_alone() -> None:
    lines = [*ARTICLE, "و این پایان کار نیست"]
    assert flag_boilerplate(lines, "fa") == [None, None, None]


LINES = st.sampled_from(
    [*ARTICLE, "ارسال نظرات", "نام:", "منبع: ایرنا", "۱۲", "", "Share", "کوتاه", "انتهای پیام", "Read more"]
)


@given(st.lists(LINES, max_size=15))
def test_context_only_adds_flags(lines: list[str]) -> None:
    per_line = [boilerplate_kind(line, "fa") for line in lines]
    in_context = flag_boilerplate(lines, "fa")
    assert len(in_context) == len(lines)
    for single, contextual in zip(per_line, in_context, strict=True):
        assert contextual in (None, *KINDS)
        if single is not None:
            assert contextual == single
    # the article's long sentences are content wherever they occur
    for line, kind in zip(lines, in_context, strict=True):
        if line in ARTICLE:
            assert kind is None


@given(st.text(max_size=120))
def test_any_line_gets_none_or_a_known_kind(line: str) -> None:
    assert boilerplate_kind(line, "ar") in (None, *KINDS)
