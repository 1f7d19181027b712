"""hamta's own text handling for Persian, Arabic and English news.

Why its own: generic tools apply one language's rules to the other (Arabic ة -> ه in Persian
normalizers), turn Persian ZWNJ into spaces, or miss sentence ends with no space after the period
(``...شود.محمود``). Every function here keeps character offsets into the *original* text.

Modules: `normalize` (language-scoped normalization and a matching view, with offset maps; `fold`, the
one letter/digit folding for comparing strings), `split` (sentence splitting), `langid` (language
identification), `boilerplate` (news-page furniture flags), `dates` (dates in three calendars),
`wordlists` (the word lists shipped under ``hamta/data/``), `clitics` (an Arabic word without its clitic
prefixes and article). Only the first two are re-exported here;
import the others from their modules.
"""

from hamta.text.normalize import NormalizedText, fold, matching_view, normalize
from hamta.text.split import Span, split

__all__ = ["NormalizedText", "normalize", "matching_view", "fold", "Span", "split"]
