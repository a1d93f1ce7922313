"""Figures drawn once per site language, from one execution.

The site is built in English and Simplified Chinese from the same pages, and
the Chinese build shows the outputs that the English build executed. A figure
with words on it must therefore be drawn in both languages by that one
execution. :func:`show` does this: it calls a drawing function once per
language and returns a :class:`LanguageFigures`, which a notebook displays as
one output holding both images. The English image has the MIME type
``image/png``, so Jupyter and Colab show it; the Chinese image has the MIME
type in :data:`MIME_TYPES`, which the site's Sphinx extension prefers in the
Chinese build (:class:`MystNbLanguageImages` renders it for MyST-NB).

Chinese text needs a CJK font. :func:`cjk_font_family` looks for one among the
installed fonts (Noto Sans CJK from Debian's ``fonts-noto-cjk`` first). When
none is found, :func:`show` draws no Chinese image rather than one whose
characters are empty boxes, and the Chinese site build reports the gap.
"""

import base64
import dataclasses
import io
import warnings
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib import font_manager

#: Languages of the site, English first. English is the default everywhere.
LANGUAGES = ("en", "zh_CN")

#: MIME type of each language's PNG in a :class:`LanguageFigures` output.
MIME_TYPES = {"en": "image/png", "zh_CN": "image/vnd.kmdl.zh-cn+png"}

#: Start of the ``text/plain`` form of a :class:`LanguageFigures`, which the site's
#: Sphinx extension looks for.
TEXT_MARKER = "<kmdl figure"

#: Key of the output metadata of a :class:`LanguageFigures`; its value lists the languages drawn.
METADATA_KEY = "kmdl_figure_languages"

# Font families with Simplified Chinese glyphs, best first. Noto Sans CJK SC is
# in Debian's fonts-noto-cjk; the others are what other systems commonly have.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Microsoft YaHei",
    "SimHei",
)
# File names of those fonts, for a matplotlib font cache written before the font was installed.
_CJK_FILE_HINTS = ("notosanscjk", "sourcehansans", "notosanssc", "wqy-zenhei", "pingfang", "msyh", "simhei")


def check_language(language):
    """Return ``language`` if the figures can be drawn in it, else raise ValueError.

    Examples
    --------
    >>> check_language("zh_CN")
    'zh_CN'
    """
    if language not in LANGUAGES:
        raise ValueError(f"language={language!r} is not supported; pass one of {list(LANGUAGES)}.")
    return language


def words(table, language):
    """Return the words of ``table`` for ``language``, falling back to English per key.

    Parameters
    ----------
    table : mapping of str to mapping of str to str
        ``table[language][key]``, with every key present in ``table["en"]``.
    language : str
        One of :data:`LANGUAGES`.

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> words({"en": {"x": "epoch"}, "zh_CN": {"x": "轮次"}}, "zh_CN")
    {'x': '轮次'}
    """
    check_language(language)
    return {**table["en"], **table.get(language, {})}


def translate(label, table, language):
    """Return ``table[language][label]``, or ``label`` itself when the table has no entry.

    For words that a caller passes in English, such as run names, that a
    figure module knows how to translate.

    Examples
    --------
    >>> names = {"zh_CN": {"random start": "随机初始化"}}
    >>> translate("random start", names, "zh_CN")
    '随机初始化'
    >>> translate("CNN", {"zh_CN": {}}, "zh_CN")
    'CNN'
    """
    check_language(language)
    return table.get(language, {}).get(str(label), str(label))


@lru_cache(maxsize=1)
def cjk_font_family():
    """Return the name of an installed font family with Chinese glyphs, or None.

    Matplotlib keeps a cache of the fonts it found when it first ran. A font
    installed later (e.g. ``apt-get install fonts-noto-cjk``) is missing from
    that cache, so the system font folders are searched for known CJK font
    files too, and a match is added to matplotlib's font list.

    Returns
    -------
    str or None
        A family from :data:`CJK_FAMILIES`, or None when none is installed.
    """
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    for path in font_manager.findSystemFonts():
        if any(hint in Path(path).name.lower() for hint in _CJK_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in known), None)


def language_rc(language):
    """Return the matplotlib rcParams that draw text in ``language``.

    For ``zh_CN`` the font family is the CJK font first, so that Chinese and
    Latin text share one typeface, and DejaVu Sans (matplotlib's own font)
    second for any glyph the CJK font lacks.

    Raises
    ------
    ValueError
        If ``language`` is not supported.
    LookupError
        If ``language`` is ``zh_CN`` and no CJK font is installed.
    """
    if check_language(language) == "en":
        return {}
    family = cjk_font_family()
    if family is None:
        raise LookupError(
            "No font with Chinese glyphs is installed, so Chinese figure text would be drawn "
            "as boxes. Install one, e.g. `apt-get install fonts-noto-cjk` on Debian or Ubuntu."
        )
    return {"font.family": [family, "DejaVu Sans"]}


def figure_png(fig):
    """Return ``fig`` as PNG bytes, cropped to its content as notebooks show it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


class LanguageFigures:
    """One figure as PNG images, one per language, displayed as one notebook output.

    Parameters
    ----------
    images : mapping of str to bytes
        PNG bytes by language. English is required.

    Attributes
    ----------
    images : dict of str to bytes
    """

    def __init__(self, images):
        if "en" not in images:
            raise ValueError(f"images has languages {sorted(images)}; the English image ('en') is required.")
        for language in images:
            check_language(language)
        self.images = dict(images)

    def __repr__(self):
        return f"{TEXT_MARKER} in {', '.join(self.images)}>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {
            MIME_TYPES[language]: base64.b64encode(png).decode("ascii")
            for language, png in self.images.items()
        }
        bundle["text/plain"] = repr(self)
        return bundle, {METADATA_KEY: list(self.images)}


def show(draw, *args, languages=LANGUAGES, **kwargs):
    """Draw a figure in every language and return the images for display.

    Calls ``draw(*args, language=language, **kwargs)`` once per language,
    with the font of that language, converts each figure to PNG and closes
    it. Ending a notebook cell with ``show(...)`` displays one output with
    all the images; ``glue(name, show(...), display=False)`` glues them.

    Parameters
    ----------
    draw : callable
        A figure function of :mod:`kmdl.figures` that takes ``language=`` and
        returns a :class:`matplotlib.figure.Figure`.
    *args, **kwargs
        Passed to ``draw``.
    languages : sequence of str, default=LANGUAGES
        Languages to draw. A language whose font is not installed is skipped
        with a warning.

    Returns
    -------
    LanguageFigures

    Examples
    --------
    >>> from kmdl.figures.relationship import draw_relationship_diagram
    >>> figures = show(draw_relationship_diagram, languages=["en"])
    >>> sorted(figures.images)
    ['en']
    """
    images = {}
    for language in languages:
        try:
            rc = language_rc(language)
        except LookupError as error:
            warnings.warn(f"The {language} figure is not drawn: {error}", stacklevel=2)
            continue
        with plt.rc_context(rc):
            fig = draw(*args, language=language, **kwargs)
            try:
                images[language] = figure_png(fig)
            finally:
                plt.close(fig)
    return LanguageFigures(images)


class MystNbLanguageImages:
    """MyST-NB renderer plugin for the images of :class:`LanguageFigures`.

    MyST-NB renders ``image/png`` itself but skips MIME types it does not
    know. This plugin renders every image of a :class:`LanguageFigures`
    output as a PNG image, with the cell's image options (such as ``alt``),
    and gives it the classes ``kmdl-figure`` and ``kmdl-figure-<language>``,
    so a test of the built site can tell which language a page shows. Which
    image a page shows is chosen by MyST-NB's ``nb_mime_priority_overrides``,
    which the site's Sphinx extension sets per language. The plugin is
    registered under MyST-NB's ``myst_nb.mime_renderers`` entry point.
    """

    mime_priority_overrides = ()

    @staticmethod
    def handle_mime(renderer, data, inline):
        """Render a language's PNG as an image node, or return None for other outputs."""
        languages = {mime_type: language for language, mime_type in MIME_TYPES.items()}
        if data.mime_type not in languages or METADATA_KEY not in data.output_metadata:
            return None
        png = dataclasses.replace(data, mime_type="image/png")
        image_nodes = renderer.render_image_inline(png) if inline else renderer.render_image(png)
        for node in image_nodes:
            node["classes"] += ["kmdl-figure", f"kmdl-figure-{languages[data.mime_type]}"]
        return image_nodes
