"""Flags for news-page furniture: lines that stay in the output but that later stages skip.

Why rules and not a classifier: furniture is a small closed set of phrasings per outlet family
("کد خبر: ۱۰۳۶۳۲", "انتهای پیام", "المصدر: وكالات", "Share this article", a comment form), while content
lines are open-ended. Every rule therefore matches a *whole* line (or a whole ``|``-separated segment)
made only of furniture vocabulary, so a content sentence that merely mentions a source, a date or a
search ("منبع آگاه گفت ...", "البحث عن المفقودين مستمر") is never flagged.

All vocabulary is compared after folding (see :func:`match_key`): yeh/kaf/hamza variants, teh marbuta,
diacritics, tatweel, ZWNJ and digit systems, so "كد خبر", "کد خبر" and "كد الخبر: 123" all match.

Example:
    >>> boilerplate_kind("کد خبر: ۱۰۳۶۳۲", "fa")
    'news_code'
    >>> boilerplate_kind("منبع آگاه در وزارت نفت گفت قرارداد امضا شد.", "fa") is None
    True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from hamta.text.dates import calendar_vocabulary

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
_FOLD = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ۀ": "ه",
        "ؤ": "و",
        "ـ": None,
        "\u200c": " ",
        "\u200d": None,
        "\u00a0": " ",
        "\u200f": None,
        "\u200e": None,
        "：": ":",
        "،": ",",
        "؛": ";",
        "٫": ".",
        "٬": ",",
        "–": "-",
        "—": "-",
        "«": '"',
        "»": '"',
    }
    | {chr(0x06F0 + i): str(i) for i in range(10)}
    | {chr(0x0660 + i): str(i) for i in range(10)}
)
_DIACRITICS_RE = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_SPACE_RE = re.compile(r"\s+")


def match_key(text: str) -> str:
    """The folded, lowercased, space-normalised form every rule is written against.

    Example:
        >>> match_key("كد الخبر:  ١٢٣") == match_key("کد الخبر: 123")
        True
    """
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS_RE.sub("", text.translate(_FOLD)).lower()
    return _SPACE_RE.sub(" ", text).strip()


def _phrases(raw: str) -> frozenset[str]:
    """One phrase per line (natural spelling), folded like the lines they are compared with."""
    return frozenset(match_key(p) for p in raw.strip().splitlines() if p.strip())


def _words(raw: str) -> frozenset[str]:
    return frozenset(match_key(w) for w in raw.split())


# --- vocabulary ----------------------------------------------------------------------------------------
_NEWS_CODE_LABELS = _phrases(
    """
    کد خبر
    کد مطلب
    کد
    شناسه خبر
    شناسه مطلب
    شماره خبر
    شماره مطلب
    رمز الخبر
    رقم الخبر
    رقم الخبر
    كود الخبر
    رقم المقال
    معرف الخبر
    news id
    news code
    article id
    story id
    news no
    """
)
_SOURCE_LABELS = _phrases(
    """
    منبع
    منابع
    ماخذ
    مأخذ
    منبع خبر
    منبع عکس
    المصدر
    المصادر
    مصدر الخبر
    مصدر
    source
    sources
    via
    photo credit
    image source
    credit
    """
)
_BYLINE_LABELS = _phrases(
    """
    خبرنگار
    نویسنده
    گزارش
    گزارشگر
    عکس
    عکاس
    ترجمه
    مترجم
    تنظیم
    ویراستار
    دبیر
    بقلم
    كتب
    كتبت
    تحرير
    مراسل
    إعداد
    ترجمة
    تصوير
    الكاتب
    reporter
    author
    written by
    photo
    photos
    editor
    edited by
    reporting by
    writing by
    editing by
    additional reporting by
    """
)
_TAG_LABELS = _phrases(
    """
    برچسب ها
    برچسب
    کلمات کلیدی
    کلیدواژه ها
    موضوعات
    الكلمات المفتاحية
    كلمات مفتاحية
    وسوم
    الوسوم
    كلمات دلالية
    tags
    keywords
    topics
    filed under
    """
)
_READ_MORE_LABELS = _phrases(
    """
    بیشتر بخوانید
    بخوانید
    مطالب مرتبط
    اخبار مرتبط
    خبرهای مرتبط
    مطالب پیشنهادی
    مطالب پربازدید
    پربازدیدترین
    ادامه مطلب
    ادامه خبر
    اقرأ أيضا
    اقرأ ايضا
    اقرأ المزيد
    المزيد
    أخبار ذات صلة
    مواضيع ذات صلة
    مقالات ذات صلة
    الأكثر قراءة
    read more
    read also
    related
    related articles
    related news
    related stories
    related content
    more on this story
    more stories
    see also
    continue reading
    most read
    most popular
    """
)
_COMMENT_FORM_PHRASES = _phrases(
    """
    ارسال نظر
    ارسال نظرات
    ارسال دیدگاه
    نظرات
    نظر
    نظر شما
    نظرات شما
    نظر خود را بنویسید
    نظر خود را وارد کنید
    ثبت نظر
    دیدگاه
    دیدگاه ها
    دیدگاه شما
    دیدگاه خود را بنویسید
    متن نظر
    نام
    نام شما
    نام و نام خانوادگی
    ایمیل
    پست الکترونیک
    پست الکترونیکی
    آدرس ایمیل
    کد امنیتی
    ارسال
    انصراف
    پاسخ
    پاسخ دادن
    لغو پاسخ
    أضف تعليق
    أضف تعليقك
    اترك تعليقا
    اكتب تعليقك
    التعليقات
    تعليقات
    تعليق
    تعليقك
    التعليق
    الاسم
    البريد الإلكتروني
    البريد الالكتروني
    الموقع الإلكتروني
    إرسال
    إرسال التعليق
    رمز التحقق
    comments
    comment
    leave a comment
    leave a reply
    add a comment
    add comment
    post a comment
    post comment
    submit
    submit comment
    your comment
    name
    your name
    email
    e-mail
    email address
    website
    reply
    cancel reply
    """
)
_COMMENT_WORDS = _words("نظر نظرات دیدگاه دیدگاه‌ها تعليق تعليقات التعليقات comment comments reply replies")
# Comment-policy notices: (words that must all occur) x (a comment word); at most MAX_NOTICE_WORDS words.
_COMMENT_POLICY_RE = re.compile(
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
_SEARCH_PHRASES = _phrases(
    """
    جستجو
    جستجوی پیشرفته
    جستجو در سایت
    جستجو در اخبار
    بحث
    البحث
    ابحث
    بحث متقدم
    البحث المتقدم
    search
    search this site
    advanced search
    """
)
_ARCHIVE_PHRASES = _phrases(
    """
    آرشیو
    آرشیو اخبار
    آرشیو خبر
    آرشیو روزنامه
    آرشیو نسخه چاپی
    بایگانی
    الأرشيف
    أرشيف
    الأرشيف التاريخي
    أرشيف الأخبار
    أرشيف الموقع
    archive
    archives
    news archive
    """
)
_SHARE_WORDS = _words(
    """
    اشتراک اشتراک‌گذاری گذاری بگذارید ارسال به دوستان نسخه چاپی چاپ ذخیره دوستان
    مشاركة شارك شارك هذا المقال طباعة أرسل لصديق حفظ
    share this article story tweet print email save on via whatsapp facebook twitter telegram linkedin
    instagram pinterest reddit x
    تلگرام توییتر توئیتر فیسبوک واتساپ لینکدین اینستاگرام ایتا بله سروش روبیکا در
    تويتر فيسبوك فيس بوك واتساب واتس اب تيليجرام تلغرام لينكدإن إنستغرام على عبر
    """
)
_SHARE_CORE = _words(
    """
    اشتراک اشتراک‌گذاری چاپی چاپ مشاركة شارك طباعة share tweet print whatsapp facebook twitter telegram
    linkedin تلگرام توییتر فیسبوک واتساپ تويتر فيسبوك واتساب تيليجرام
    """
)
_AD_PHRASES = _phrases(
    """
    تبلیغات
    آگهی
    آگهی تبلیغاتی
    إعلان
    اعلان
    إعلانات
    advertisement
    sponsored
    sponsored content
    """
)
_NAVIGATION_PHRASES = _phrases(
    """
    صفحه اصلی
    صفحه نخست
    بازگشت
    بازگشت به بالا
    الرئيسية
    الصفحة الرئيسية
    عودة
    home
    back to top
    top
    menu
    next
    previous
    """
)
_END_MARKERS = _phrases(
    """
    انتهای پیام
    انتهای خبر
    پایان پیام
    پایان خبر
    انتهى
    انتهى الخبر
    نهاية الخبر
    end
    ends
    end of story
    """
)
_COPYRIGHT_RE = re.compile(
    r"©|\(c\) ?\d{4}|copyright|all rights reserved|کپی ?رایت|حقوق.*محفوظ|جميع الحقوق|حقوق النشر".translate(
        _FOLD
    )
)
_VIEW_WORDS = _words(
    "بازدید بازدیدها تعداد دفعات مشاهده مشاهدات المشاهدات عدد قراءة قراءات views view reads hits"
)
# Month, weekday and relative-day names come from hamta.text.dates (one vocabulary for every module);
# these are the other words of a date line.
_DATE_WORDS = _words(
    """
    یک دو سه چهار پنج
    ساعت دقیقه ثانیه روز هفته ماه سال پیش قبل تاریخ انتشار منتشر شده در به روز رسانی روزرسانی
    بروزرسانی آخرین ویرایش شمسی قمری میلادی هجری ه.ش ه.ق ق.ظ ب.ظ ش ق م
    الساعة ساعة ساعات دقيقة دقائق منذ يوم تاريخ النشر نشر في بتاريخ آخر تحديث تم التحديث
    صباحا مساء مساءً ظهرا الموافق هـ ه م ص بتوقيت غرينتش مكة
    jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun
    am pm a.m. p.m. gmt utc bst est edt cet irst ast
    published updated posted last modified on at by ago hour hours minute minutes day days
    """
) | frozenset(match_key(w) for w in calendar_vocabulary())
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
