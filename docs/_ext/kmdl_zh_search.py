"""Make the Chinese site's search work with Sphinx 9.0 and find the field's terms.

Sphinx 9.0.4 builds ``language_data.js`` for Chinese with the English stemmer
(``english-stemmer.js``, which defines ``EnglishStemmer``) but ends it with
``window.Stemmer = ChineseStemmer``, named after the language. The browser then
raises "ChineseStemmer is not defined" on every page and the search page finds
nothing. Sphinx names the stemmer class after ``language_name``, so a subclass
of its Chinese search language that names itself English gets the right class
and keeps everything else (jieba word splitting, English stop words).

jieba splits some terms of the field (伪标签 into 伪 and 标签), and Sphinx
drops every one-character word, such as 簇, so a search for them found
nothing. ``html_search_options["dict"]`` names a jieba user dictionary of
those terms (docs/_data/zh-search-terms.txt), and the one-character words in
it are kept in the index.

NOTE: later Sphinx releases fix the stemmer name, but pip offers none after 9.0.4 for
Python 3.11; drop this extension once the site builds with such a release.
"""

from pathlib import Path

from sphinx.search.zh import SearchChinese


class SearchChineseWithEnglishStemmer(SearchChinese):
    """Sphinx's Chinese search whose JavaScript stemmer is named correctly and that keeps listed one-character terms."""

    language_name = "English"

    def __init__(self, options):
        super().__init__(options)
        self.single_character_terms = set()
        dictionary = Path(options.get("dict") or "")
        if dictionary.is_file():
            for line in dictionary.read_text(encoding="utf-8").splitlines():
                # A jieba dictionary line is "word [frequency] [part of speech]".
                fields = line.split()
                if fields and len(fields[0]) == 1:
                    self.single_character_terms.add(fields[0])

    def word_filter(self, stemmed_word):
        return stemmed_word in self.single_character_terms or super().word_filter(stemmed_word)


def setup(app):
    app.add_search_language(SearchChineseWithEnglishStemmer)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
