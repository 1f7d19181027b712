"""Translation checks: language, numbers (digits, separators, words, calendars), names, length, CLI."""

from __future__ import annotations

import json

import pytest

from hamta.cli import main
from hamta.records import Sentence
from hamta.translate.checks import (
    FLAG_ADDITION,
    FLAG_NAME_MISMATCH,
    FLAG_NUMBER_MISMATCH,
    FLAG_OMISSION,
    FLAG_UNTRANSLATED,
    FLAG_WRONG_LANGUAGE,
    check_language,
    check_length,
    check_pairs,
    check_translation,
    compare_names,
    compare_numbers,
    document_names,
    english_names,
    flag_records,
    source_names,
)


def flags(source: str, output: str, lang: str, names: tuple[str, ...] = ()) -> set[str]:
    return {f.flag for f in check_translation(source, output, lang, names=names)}


# Language.


@pytest.mark.parametrize(
    ("source", "output", "lang", "expected"),
    [
        ("مرحبا بكم في المدينة الكبيرة", "مرحبا بكم في المدينة الكبيرة", "ar", FLAG_UNTRANSLATED),
        ("به شهر بزرگ خوش آمدید", "به شهر بزرگ خوش آمدید", "fa", FLAG_UNTRANSLATED),
        ("به شهر بزرگ خوش آمدید", "", "fa", FLAG_UNTRANSLATED),
        # Persian output for an Arabic source: the other language
        ("قال الوزير إن المحادثات ستستمر في الأسبوع المقبل",
         "وزیر گفت که این مذاکرات در هفته آینده ادامه خواهد داشت", "ar", FLAG_WRONG_LANGUAGE),
        ("وزیر گفت مذاکرات ادامه دارد", "Der Minister sagte, dass die Gespräche in der nächsten Woche "
         "weitergehen werden und nicht abgebrochen sind", "fa", FLAG_WRONG_LANGUAGE),
        ("وزیر گفت مذاکرات ادامه دارد", "Министр сказал, что переговоры продолжатся", "fa",
         FLAG_WRONG_LANGUAGE),
    ],
)
def test_language_flags(source: str, output: str, lang: str, expected: str) -> None:
    assert [f.flag for f in check_language(source, output, lang)] == [expected]


def test_english_output_passes_language_check() -> None:
    output = "The minister said the talks would go on."
    assert check_language("وزیر گفت مذاکرات ادامه دارد", output, "fa") == []


def test_number_only_source_is_not_untranslated() -> None:
    assert check_language("۲۰۱۸", "2018", "fa") == []


# Numbers.


@pytest.mark.parametrize(
    ("source", "output", "lang"),
    [
        ("۴۰۷ نفر کشته شدند", "407 people were killed", "fa"),
        ("قتل ٤٠٧ أشخاص", "407 people were killed", "ar"),
        ("۳ هزار و ۸۲۳ نفر", "3,823 people", "fa"),
        ("۳ هزار نفر", "three thousand people", "fa"),
        ("دو میلیون نفر", "2,000,000 people", "fa"),
        ("۲/۵ میلیون دلار", "$2.5 million", "fa"),
        ("نمو بنسبة 3،5 بالمئة", "growth of 3.5 percent", "ar"),
        ("۱۲٬۵۰۰ تومان", "12,500 tomans", "fa"),
        ("ثلاثة آلاف وخمسمائة جريح", "3,500 wounded", "ar"),
        ("فاز ٣-٢", "won 3-2", "ar"),
        ("ساعت ۴:۱۷ بامداد", "at 4:17 am", "fa"),
        # calendars: a Solar Hijri year may become Gregorian, a lunar Hijri year too
        ("در سال ۱۳۹۷", "in 2018", "fa"),
        ("در سال ۱۳۹۷", "in 2019", "fa"),
        ("في عام ١٤٤٠ هـ", "in 2019", "ar"),
        # a unit converted by the translator
        ("خوکی ۲۵۰ کیلوگرمی", "a 550 pound hog", "fa"),
        # a unit said once after a range converts both ends
        ("پیش‌بینی ۵۰ تا ۱۰۰ میلیمتر باران", "a forecast of 2 to 4 inches of rain", "fa"),
        ("يتوقع هطول ٢٥ إلى ٥٠ ملم", "1 to 2 inches are expected", "ar"),
        # the end of a year range written with two digits
        ("الحرب التي استمرت من 1950 وحتى 1953", "the 1950-53 war", "ar"),
        # a phone number grouped on one side only
        ("با شماره ۰۸۰۰۵۵۵۱۱۱ تماس بگیرید", "call 0800 555 111", "fa"),
        ("اتصلوا على ٠٨٠٠ ٥٥٥ ١١١", "call 0800555111", "ar"),
        # the 1 of a score goes to the score, not to "first"
        ("أول فوز منذ انتصاره 4-1 في فبراير", "their first win since February's 4-1 triumph", "ar"),
        # small numbers as words, articles and duals are not reported
        ("یک مرد آمد", "A man came", "fa"),
        ("زار الوزير مدينتين", "The minister visited two cities", "ar"),
    ],
)
def test_numbers_match(source: str, output: str, lang: str) -> None:
    assert compare_numbers(source, output, lang) == []


@pytest.mark.parametrize(
    ("source", "output", "lang", "detail"),
    [
        ("۴۰۷ نفر کشته شدند", "470 were killed", "fa", "source ۴۰۷ not in output; output 470 not in source"),
        ("قتل ٤٠٧ أشخاص", "470 were killed", "ar", "source ٤٠٧ not in output; output 470 not in source"),
        ("۴۰۷ نفر کشته شدند", "Many people were killed", "fa", "source ۴۰۷ not in output"),
        ("۳ هزار و ۸۲۳ نفر", "3,000", "fa", "source ۳ هزار و ۸۲۳ not in output; output 3,000 not in source"),
        ("دو میلیون", "two billion", "fa",
         "source دو میلیون not in output; output two billion not in source"),
        ("۲۵ درصد", "35 percent", "fa", "source ۲۵ درصد not in output; output 35 percent not in source"),
        ("فاز ٣-٢", "won 3-1", "ar", "source ٣-٢ not in output; output 3-1 not in source"),
        ("در سال ۱۳۹۷", "in 2015", "fa", "source ۱۳۹۷ not in output; output 2015 not in source"),
        ("آمد", "He came with 30 men", "fa", "output 30 not in source"),
        ("پیش‌بینی ۵۰ تا ۱۰۰ میلیمتر باران", "2 to 6 inches of rain", "fa",
         "source ۱۰۰ not in output; output 6 not in source"),
        ("الحرب التي استمرت من 1950 وحتى 1954", "the 1950-53 war", "ar",
         "source 1954 not in output; output 53 not in source"),
        ("با شماره ۰۸۰۰۵۵۵۱۱۱ تماس بگیرید", "call 0800 555 112", "fa", "output 555, 112 not in source"),
    ],
)
def test_numbers_mismatch(source: str, output: str, lang: str, detail: str) -> None:
    (finding,) = compare_numbers(source, output, lang)
    assert finding.flag == FLAG_NUMBER_MISMATCH and finding.detail == detail


# Names.


def test_english_names_skip_sentence_starts_and_title_case() -> None:
    assert english_names("The talks in Tehran ended. Officials met Lavrov.") == ["Tehran", "Lavrov"]
    assert english_names("Killer Pig Mauls Chinese Farmer To Death") == []


def test_document_names_drop_common_words() -> None:
    names = document_names(["Lavrov met the Senate leaders in Tashkent.", "The senate voted."])
    assert names == ["Lavrov", "Tashkent"]


@pytest.mark.parametrize(
    ("source", "output", "lang"),
    [
        ("ترامپ به تاشکند رفت", "Trump went to Tashkent", "fa"),
        ("ذهب ترامب إلى طشقند", "Trump went to Tashkent", "ar"),
        ("وقال ترامب", "Trump said", "ar"),
        ("پیونگ یانگ", "Pyongyang", "fa"),
    ],
)
def test_names_found(source: str, output: str, lang: str) -> None:
    assert compare_names(source, output, {"ترامپ", "تاشکند", "ترامب", "طشقند", "یانگ"}) == []


@pytest.mark.parametrize(
    ("source", "output", "missing"),
    [
        ("ترامپ به تاشکند رفت", "Trump went to the city", "تاشکند"),
        ("ذهب ترامب إلى طشقند", "Obama went to Tashkent", "ترامب"),
        ("وقال ترامب", "He said", "ترامب"),
        ("شرکت Nvidia اعلام کرد", "The company announced", "Nvidia"),
    ],
)
def test_names_missing(source: str, output: str, missing: str) -> None:
    (finding,) = compare_names(source, output, {"ترامپ", "تاشکند", "ترامب", "طشقند"})
    assert finding.flag == FLAG_NAME_MISMATCH and missing in finding.detail


@pytest.mark.parametrize(
    ("source", "output", "known", "lang", "flagged"),
    [
        # only capitalised words render a name: "of" is not بالو (Palu) read without its ب
        ("دمر الزلزال بالو", "The earthquake destroyed the centre of the city", {"بالو"}, "ar", True),
        ("دمر الزلزال بالو", "The earthquake destroyed Palu", {"بالو"}, "ar", False),
        # a clitic prefix and the article come off the Arabic word
        ("فاز لليفينغستون", "A win for Livingston", {"لليفينغستون"}, "ar", False),
        # known renderings: the output must write the name as the input does elsewhere, not merely
        # something alike (CNN ~ Kavanaugh by skeleton)
        ("قالت سي إن إن إن كافانو نفى", "CNN said the judge denied it", {"كافانو": {"Kavanaugh"}}, "ar",
         True),
        ("قالت سي إن إن إن كافانو نفى", "CNN said Kavanaugh's denial", {"كافانو": {"Kavanaugh"}}, "ar",
         False),
        # ... or its demonym, or a possessive of it
        ("مقامات چین گفتند", "Chinese officials said", {"چین": {"China"}}, "fa", False),
        ("خانواده یوان", "Yuan's family", {"یوان": {"Yuan"}}, "fa", False),
        ("خانواده یوان", "His family", {"یوان": {"Yuan"}}, "fa", True),
    ],
)
def test_names_with_clitics_case_and_renderings(source, output, known, lang: str, flagged: bool) -> None:
    assert bool(compare_names(source, output, known, src_lang=lang)) is flagged


@pytest.mark.parametrize(
    ("pairs", "lang", "expected"),
    [
        ([("ترامپ به تاشکند رفت", "Trump went to Tashkent."), ("او گفت", "He said.")], "fa",
         {"ترامپ", "تاشکند"}),
        ([("وقال ترامب إن", "Trump said that"), ("التقى كيم بالقادة", "Kim met the leaders")], "ar",
         {"ترامب", "كيم"}),
        # a word is a name only next to its English counterpart, not by a chance likeness elsewhere
        ([("کیم آمد", "He came."), ("رهبران", "Kim's leaders met.")], "fa", set()),
        # a short word with no long vowel letter is never a name (کرد "did" / Kurd)
        ([("کرد", "Kurd leaders met.")], "fa", set()),
        # a Persian final ه writes a vowel: کره is Korea; the common که ("that") stays a word
        ([("کره شمالی گفت که", "North Korea said that.")], "fa", {"کره"}),
        # a name under an Arabic clitic prefix
        ([("فاز لليفينغستون", "A win for Livingston.")], "ar", {"لليفينغستون"}),
        # named in 2 of the 3 pairs it occurs in: a name; in 1 of 3 (کلی "a lot" / Kelly): not
        ([("کلی گفت", "Kelly said."), ("کلی آمد", "Kelly came."), ("کلی کار", "A lot of work.")], "fa",
         {"کلی"}),
        ([("کلی گفت", "Kelly said."), ("کلی پول", "A lot of money."), ("کلی کار", "A lot of work.")], "fa",
         set()),
    ],
)
def test_source_names(pairs, lang: str, expected: set[str]) -> None:
    assert set(source_names(pairs, lang)) == expected


def test_source_names_keep_the_english_renderings() -> None:
    pairs = [("ترامپ به تاشکند رفت", "Trump went to Tashkent."), ("ترامپ گفت", "Trump said.")]
    assert source_names(pairs, "fa") == {"ترامپ": {"Trump"}, "تاشکند": {"Tashkent"}}


@pytest.mark.parametrize(
    ("pairs", "lang", "expected"),
    [
        # one English name renders one source word: "Paris" goes to the word named Paris most often in the
        # input, not to البارزة / بارز ("prominent"), alike by skeleton, that shares a pair with it
        ([("وصلت إلى باريس", "She arrived in Paris."), ("باريس جميلة", "Paris is beautiful."),
          ("الشخصيات البارزة في باريس", "Prominent figures in Paris."),
          ("الشخصيات البارزة", "The prominent figures.")], "ar", {"باريس"}),
        ([("رسید به پاریس", "She arrived in Paris."), ("پاریس زیبا است", "Paris is beautiful."),
          ("چهره های بارز پاریس", "Prominent figures of Paris."),
          ("چهره های بارز", "The prominent figures.")], "fa", {"پاریس"}),
        # a name of one consonant, written with the same consonant letters (لی / Lee, آير / Ayr) ...
        ([("لی گفت", "Lee said.")], "fa", {"لی"}),
        ([("فاز آير", "Ayr won.")], "ar", {"آير"}),
        # ... not a word that merely collapses to it (پاهای / Pep), nor a clitic reading (الة of وكالة)
        ([("پاهای او", "Pep's legs.")], "fa", set()),
        ([("أعلنت وكالة", "Lee agency.")], "ar", set()),
    ],
)
def test_source_names_one_word_per_name(pairs, lang: str, expected: set[str]) -> None:
    assert set(source_names(pairs, lang)) == expected


@pytest.mark.parametrize(
    ("pairs", "lang"),
    [
        ([("ترامپ به تاشکند رفت", "President Trump went to Tashkent."),
          ("ترامپ به شهر آمد", "Trump came to the city."),
          ("ترامپ روز شنبه گفت", "The President said on Saturday."),
          ("ترامپ امروز گفت", "President said on the day."),
          ("رئیس جمهور فرانسه گفت", "The French president said.")], "fa"),
        ([("ذهب ترامب إلى طشقند", "President Trump went to Tashkent."),
          ("وصل ترامب إلى المدينة", "Trump came to the city."),
          ("وقال ترامب يوم السبت", "The President said on Saturday."),
          ("وقال ترامب اليوم", "President said on the day."),
          ("قال الرئيس الفرنسي", "The French president said.")], "ar"),
    ],
)
def test_a_title_of_one_name_stands_for_it(pairs, lang: str) -> None:
    # "President" comes before Trump only and is a common noun of the input ("the French president"): "The
    # President" renders Trump; a bare "President" (the name dropped from "President Trump") does not
    found = [[f.flag for f in fs] for fs in check_pairs(pairs, lang)]
    assert found == [[], [], [], [FLAG_NAME_MISMATCH], []]


def test_a_title_of_several_names_stands_for_none() -> None:
    pairs = [("سناتور فلیک روز شنبه گفت", "Senator Flake said on Saturday."),
             ("سناتور کونز روز شنبه گفت", "Senator Coons said on Saturday."),
             ("فلیک روز شنبه آمد", "The Senator came on Saturday."), ("یک سناتور دیگر", "Another senator.")]
    found = [[f.flag for f in fs] for fs in check_pairs(pairs, "fa")]
    assert found == [[], [], [FLAG_NAME_MISMATCH], []]


@pytest.mark.parametrize(
    ("source", "output", "known", "lang", "flagged"),
    [
        # an abbreviation of the input's spelling of the name: its initial, then its letters in order
        ("در مرز آریزونا", "It came within 40 miles of the AZ border.", {"آریزونا": {"Arizona"}}, "fa",
         False),
        ("على بعد 40 ميلا من حدود أريزونا", "It came within 40 miles of the AZ border.",
         {"أريزونا": {"Arizona"}}, "ar", False),
        ("در مرز آریزونا", "It came within 40 miles of the TX border.", {"آریزونا": {"Arizona"}}, "fa",
         True),
        # a Latin name of the source spelt alike in the output (same initial, length within a letter)
        ("نقش Jack Lacy", "played by Jake Lacy", {}, "fa", False),
        ("دور Jack Lacy", "played by Jake Lacy", {}, "ar", False),
        ("شبکه تجاری Fox", "Figures for the network", {}, "fa", True),
        # an output word the input writes for another name is that name ("Rosa" is not a clipped Arizona)
        ("روزا به آریزونا رسید", "Rosa reached the border", {"روزا": {"Rosa"}, "آریزونا": {"Arizona"}}, "fa",
         True),
        ("وصلت روزا إلى أريزونا", "Rosa reached the border", {"روزا": {"Rosa"}, "أريزونا": {"Arizona"}}, "ar",
         True),
        # a lookalike with another initial is another name ("Browne" is not Paris less a consonant) ...
        ("مد پاریس", "Thom Browne fashion", {"پاریس": {"Paris"}}, "fa", True),
        ("أزياء باريس", "Thom Browne fashion", {"باريس": {"Paris"}}, "ar", True),
        # ... while a demonym keeps it ("Welsh" for Wales)
        ("مجلس ولز", "The Welsh assembly", {"ولز": {"Wales"}}, "fa", False),
    ],
)
def test_name_renderings_abbreviated_spelt_alike_or_taken(source, output, known, lang, flagged) -> None:
    assert bool(compare_names(source, output, known, src_lang=lang)) is flagged


def test_check_pairs_learns_names_from_the_whole_input() -> None:
    pairs = [("ترامپ به تاشکند رفت", "Trump went to Tashkent."), ("ترامپ گفت", "He said.")]
    results = check_pairs(pairs, "fa", docs=["one document", "another document"])
    assert results[0] == []
    expected = [(FLAG_NAME_MISMATCH, "source name(s) ترامپ not in output")]
    assert [(f.flag, f.detail) for f in results[1]] == expected


# Length.


def test_length_outliers() -> None:
    source = "وزیر امور خارجه روز دوشنبه گفت که مذاکرات با طرف‌های اروپایی در هفته آینده ادامه خواهد یافت"
    full = "The foreign minister said on Monday that talks with the European parties would go on next week."
    assert check_length(source, full, "fa") == []
    assert [f.flag for f in check_length(source, "The foreign minister said.", "fa")] == [FLAG_OMISSION]
    longer = full + (" He added that the sanctions had hurt ordinary people, and that the government would"
                     " ask the United Nations to intervene before the end of the year in order to stop them.")
    assert [f.flag for f in check_length(source, longer, "fa")] == [FLAG_ADDITION]


def test_unknown_source_language() -> None:
    with pytest.raises(ValueError, match="unknown source language 'en'"):
        check_translation("x", "y", "en")


# Records and CLI.


def test_flag_records_adds_flags_once() -> None:
    rec = Sentence("d", 0, "قتل ٤٠٧ أشخاص", 0, 14, "ar", en="470 people were killed", flags=("max_length",))
    skip = Sentence("d", 1, "Hello", 15, 20, "en", en="Hello")
    out = flag_records([rec, skip])
    assert out[0].flags == ("max_length", FLAG_NUMBER_MISMATCH)
    assert out[1] is skip
    assert flag_records(out)[0].flags == out[0].flags


def test_cli_two_files_jsonl(tmp_path, capsys) -> None:
    src, mt = tmp_path / "src.ar", tmp_path / "mt.en"
    src.write_text("قتل ٤٠٧ أشخاص في بغداد\nمرحبا بكم في المدينة الكبيرة\nذهب الوزير إلى المدينة\n",
                   encoding="utf-8")
    mt.write_text("470 people were killed in Baghdad\nمرحبا بكم في المدينة الكبيرة\nThe minister went to "
                  "the city\n", encoding="utf-8")
    assert main(["check", str(src), str(mt), "--src", "ar", "--format", "jsonl"]) == 0
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(r["idx"], r["flags"]) for r in lines] == [
        (0, [FLAG_NUMBER_MISMATCH]), (1, [FLAG_UNTRANSLATED]), (2, [])
    ]
    assert "3 checked, 2 flagged" in err


def test_cli_records(tmp_path, capsys) -> None:
    path = tmp_path / "r.jsonl"
    rows = [{"doc": "a", "idx": 0, "text": "قتل ٤٠٧ أشخاص", "lang": "ar", "en": "470 people were killed"},
            {"doc": "a", "idx": 1, "text": "سلام", "lang": "fa"}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert main(["check", str(path), "--format", "jsonl"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["flags"] == [FLAG_NUMBER_MISMATCH] and lines[1]["flags"] == []


def test_cli_line_count_mismatch(tmp_path, capsys) -> None:
    src, mt = tmp_path / "src.fa", tmp_path / "mt.en"
    src.write_text("یک\nدو\n", encoding="utf-8")
    mt.write_text("one\n", encoding="utf-8")
    assert main(["check", str(src), str(mt), "--src", "fa"]) != 0
    assert "1 lines, but" in capsys.readouterr().err
