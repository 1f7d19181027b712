"""Tests for hamta.text.split: boundary rules (both scripts), offsets, and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamta.text.split import Span, split


def texts_of(text: str, lang: str) -> list[str]:
    return [s.text for s in split(text, lang)]


# (lang, text, expected sentences): one row per rule, Persian/Arabic and Latin script.
CASES = [
    # sentence-final punctuation with a space
    ("fa", "او رفت. من ماندم.", ["او رفت.", "من ماندم."]),
    ("ar", "ذهب إلى بغداد. ثم عاد.", ["ذهب إلى بغداد.", "ثم عاد."]),
    ("en", "He left. She stayed.", ["He left.", "She stayed."]),
    ("fa", "چرا رفت؟ نمی‌دانم! شاید…  بعدا", ["چرا رفت؟", "نمی‌دانم!", "شاید…", "بعدا"]),
    ("en", "Why? Because! Well... Then", ["Why?", "Because!", "Well...", "Then"]),
    ("ar", "حقا؟! نعم.", ["حقا؟!", "نعم."]),
    # no space after the punctuation (real Persian/Arabic news)
    ("fa", "تصمیم گیری شود.محمود واعظی گفت.", ["تصمیم گیری شود.", "محمود واعظی گفت."]),
    ("ar", "في الوزارة.وذكرت الوزارة ذلك.", ["في الوزارة.", "وذكرت الوزارة ذلك."]),
    ("fa", "می‌آید؟او گفت...بعد رفت", ["می‌آید؟", "او گفت...", "بعد رفت"]),
    ("fa", "در سال 2017.قانون تصویب شد", ["در سال 2017.", "قانون تصویب شد"]),
    ("fa", "گفت MWP.در ولز", ["گفت MWP.", "در ولز"]),
    ("fa", "گفت: «سلام.»وی رفت", ["گفت: «سلام.»", "وی رفت"]),
    ("fa", "است.«این» گفت", ["است.", "«این» گفت"]),
    # closing quotes and brackets stay with the sentence before
    ("fa", "گفت: «نمی‌آیم.» وی رفت.", ["گفت: «نمی‌آیم.»", "وی رفت."]),
    ("ar", 'وقال: "إنها كارثة." ثم غادر.', ['وقال: "إنها كارثة."', "ثم غادر."]),
    ("en", 'He said "no." Then he left.', ['He said "no."', "Then he left."]),
    ("en", "He said \u201cno.\u201d Then he left.", ["He said \u201cno.\u201d", "Then he left."]),
    ("en", "(It was late.) We left.", ["(It was late.)", "We left."]),
    ("en", "She said 'fine.' We left.", ["She said 'fine.'", "We left."]),
    ("ar", 'وقال "إن الأمر جيد".وأضاف أنه', ['وقال "إن الأمر جيد".', "وأضاف أنه"]),
    ("ar", 'قالت "لا."وأضافت أنها', ['قالت "لا."', "وأضافت أنها"]),
    ("ar", 'انتهى الأمر."هذا أمر جيد" قال.', ["انتهى الأمر.", '"هذا أمر جيد" قال.']),
    # straight quotes glued after the punctuation: pairing decides which side they belong to
    (
        "ar",
        'قال إن الوضع "صعب جدا،" بحسب المصدر."سنعمل بجد" أضاف.',
        ['قال إن الوضع "صعب جدا،" بحسب المصدر.', '"سنعمل بجد" أضاف.'],
    ),
    (
        "ar",
        'قال إن الوضع "صعب جدا،" بحسب المصدر."سنعمل بجد.',
        ['قال إن الوضع "صعب جدا،" بحسب المصدر.', '"سنعمل بجد.'],
    ),
    ("ar", 'قال: "نحن هنا.سنبقى هنا!"وغادر القاعة.', ['قال: "نحن هنا.', 'سنبقى هنا!"', "وغادر القاعة."]),
    (
        "ar",
        'قال الوزير: "الوضع صعب."لكننا سنعمل بجد" ثم غادر.',
        ['قال الوزير: "الوضع صعب.', '"لكننا سنعمل بجد" ثم غادر.'],
    ),
    ("ar", 'وصفها بأنها "رائعة" و"مفيدة."ثم غادر.', ['وصفها بأنها "رائعة" و"مفيدة."', "ثم غادر."]),
    # a quoted ? or ! followed by an attribution verb or "and" does not end the sentence
    ("ar", 'صرخ الطفل "النجدة!" كما قال شاهد.', ['صرخ الطفل "النجدة!" كما قال شاهد.']),
    ("ar", '"هل انتهى الأمر؟"تساءل الصحفي.', ['"هل انتهى الأمر؟"تساءل الصحفي.']),
    ("fa", "او پرسید: «کجا می‌روی؟» و سپس خندید.", ["او پرسید: «کجا می‌روی؟» و سپس خندید."]),
    ("fa", "«چرا؟» می‌پرسد مادرش.", ["«چرا؟» می‌پرسد مادرش."]),
    ("ar", '"هل انتهى؟" وقال الوزير إنه لا يعرف.', ['"هل انتهى؟"', "وقال الوزير إنه لا يعرف."]),
    ("fa", "«آیا تمام شد؟» وی گفت نه.", ["«آیا تمام شد؟»", "وی گفت نه."]),
    ("ar", "هل انتهى الأمر؟ قال الوزير إنه لا يعرف.", ["هل انتهى الأمر؟", "قال الوزير إنه لا يعرف."]),
    # numbers, dates, times
    ("en", "It grew 1.5 percent. Then 2.8 more.", ["It grew 1.5 percent.", "Then 2.8 more."]),
    ("fa", "رشد ۲٫۸ و ۲.۵ درصد بود.", ["رشد ۲٫۸ و ۲.۵ درصد بود."]),
    ("ar", "في الساعة 7.55 صباحا و10,000 دولار.", ["في الساعة 7.55 صباحا و10,000 دولار."]),
    ("en", "At 7:30 on 2015.10.28 it began.", ["At 7:30 on 2015.10.28 it began."]),
    ("fa", "تاریخ 1394/08/06 و ۱۳۹۴.۰۸.۰۶ بود.", ["تاریخ 1394/08/06 و ۱۳۹۴.۰۸.۰۶ بود."]),
    ("en", "It was No. 5 on Oct. 2 that day.", ["It was No. 5 on Oct. 2 that day."]),
    ("en", "It ended in 2017. The next year began.", ["It ended in 2017.", "The next year began."]),
    ("en", "1. First point here", ["1. First point here"]),
    # URLs and e-mail addresses
    ("fa", "سایت weather.com گزارش داد.", ["سایت weather.com گزارش داد."]),
    ("en", "See https://example.com/a.b?c=1!x now. Go.", ["See https://example.com/a.b?c=1!x now.", "Go."]),
    ("fa", "به www.irna.ir/news?id=5 بروید. سپس", ["به www.irna.ir/news?id=5 بروید.", "سپس"]),
    ("ar", "راسلنا على info.desk@example.org. شكرا", ["راسلنا على info.desk@example.org.", "شكرا"]),
    # Latin abbreviations and initials
    ("en", "Mr. Adams met Dr. Ford and Sen. Flake.", ["Mr. Adams met Dr. Ford and Sen. Flake."]),
    (
        "en",
        "The U.S. President spoke at 7 a.m. on Sunday.",
        ["The U.S. President spoke at 7 a.m. on Sunday."],
    ),
    ("en", "Known as P. Diddy or J. K. Rowling.", ["Known as P. Diddy or J. K. Rowling."]),
    ("en", "Chelsea vs. Liverpool, e.g. today.", ["Chelsea vs. Liverpool, e.g. today."]),
    ("en", "It went to the U.S. The talks failed.", ["It went to the U.S.", "The talks failed."]),
    ("fa", "محصولات Dr. PawPaw و Dionisio A. Lind است.", ["محصولات Dr. PawPaw و Dionisio A. Lind است."]),
    ("ar", "التقى د. أحمد بالوزير.", ["التقى د. أحمد بالوزير."]),
    ("ar", "التقى ودي آر. سميث بالوزير.", ["التقى ودي آر. سميث بالوزير."]),  # Dr. in letter names
    ("ar", "منتجات دي آر.سميث متاحة.", ["منتجات دي آر.سميث متاحة."]),
    ("ar", "نقلت ذلك بي بي سي. ثم عاد.", ["نقلت ذلك بي بي سي.", "ثم عاد."]),
    ("fa", "در سال ۵۰۰ ق.م ساخته شد.", ["در سال ۵۰۰ ق.م ساخته شد."]),
    # never at : ; ؛ ، and not before a lowercase word or a comma
    ("fa", "گفت: قرار است؛ اما، نه.", ["گفت: قرار است؛ اما، نه."]),
    ("en", "He said: yes; no, maybe.", ["He said: yes; no, maybe."]),
    ("en", '"Why?" he asked. "What?", she said.', ['"Why?" he asked.', '"What?", she said.']),
    ("en", "Wait... what happened?", ["Wait... what happened?"]),
    ("fa", "آنها کنجکاو هستند ... بیرون نیستند.", ["آنها کنجکاو هستند ... بیرون نیستند."]),
    # line breaks are always boundaries
    ("fa", "عنوان خبر\nمتن خبر بدون نقطه\r\nخط سوم", ["عنوان خبر", "متن خبر بدون نقطه", "خط سوم"]),
    ("ar", 'وزير الاتصالات قال:\n\n"إن طهران".', ["وزير الاتصالات قال:", '"إن طهران".']),
    ("en", "", []),
    ("en", "  \n \t ", []),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES)
def test_boundary_rules(lang: str, text: str, expected: list[str]) -> None:
    assert texts_of(text, lang) == expected


def test_spans_are_offsets_into_the_input() -> None:
    text = " \tاو رفت.من ماندم. \n\u200c Next one."
    spans = split(text, "fa")
    assert spans == [
        Span(2, 9, "او رفت."),
        Span(9, 18, "من ماندم."),
        Span(22, 31, "Next one."),
    ]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown language 'de' for split"):
        split("x", "de")
    with pytest.raises(TypeError, match="text must be str"):
        split(None, "fa")  # type: ignore[arg-type]


# Property tests: random text made of the characters the rules look at.
ALPHABET = "اب تپیکيكة۰۱۲12ABab.!?؟…:؛،;\"'«»”()-/@ \u00a0\u200c\n\r\t"
texts = st.text(alphabet=ALPHABET, max_size=80)
langs = st.sampled_from(["fa", "ar", "en", "other"])


def _blank(ch: str) -> bool:
    import unicodedata

    return ch.isspace() or unicodedata.category(ch) == "Cf"


@settings(max_examples=400, deadline=None)
@given(texts, langs)
def test_offsets_slice_back_and_nothing_is_lost(text: str, lang: str) -> None:
    spans = split(text, lang)
    covered: list[int] = []
    previous_end = 0
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.text and not _blank(span.text[0]) and not _blank(span.text[-1])
        assert span.start >= previous_end  # in order, never overlapping
        previous_end = span.end
        covered.extend(range(span.start, span.end))
    # every non-space character lies in exactly one span, in the original order
    non_space = [i for i, ch in enumerate(text) if not _blank(ch)]
    assert [i for i in covered if not _blank(text[i])] == non_space


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ابپتسیکمن ", min_size=1, max_size=15).filter(str.strip), max_size=6))
def test_line_breaks_always_split(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert texts_of(text, "fa") == [line.strip() for line in lines]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet="ابپتسیکمن", min_size=2, max_size=8), min_size=1, max_size=5),
    st.sampled_from([" ", ""]),
)
def test_persian_sentences_split_with_or_without_space(words: list[str], sep: str) -> None:
    sentences = [f"{w} رفت." for w in words]
    assert texts_of(sep.join(sentences), "fa") == sentences
