"""Make the Chinese site's search work with Sphinx 9.0.

Sphinx 9.0.4 builds ``language_data.js`` for Chinese with the English stemmer
(``english-stemmer.js``, which defines ``EnglishStemmer``) but ends it with
``window.Stemmer = ChineseStemmer``, named after the language. The browser then
raises "ChineseStemmer is not defined" on every page and the search page finds
nothing. Sphinx names the stemmer class after ``language_name``, so a subclass
of its Chinese search language that names itself English gets the right class
and keeps everything else (jieba word splitting, English stop words).

NOTE: later Sphinx releases fix this, but pip offers none after 9.0.4 for
Python 3.11; drop this extension once the site builds with such a release.
"""

from sphinx.search.zh import SearchChinese


class SearchChineseWithEnglishStemmer(SearchChinese):
    """Sphinx's Chinese search whose JavaScript stemmer is named correctly."""

    language_name = "English"


def setup(app):
    app.add_search_language(SearchChineseWithEnglishStemmer)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
