"""Search, navigation and language switching, driven by clicks in Chromium."""

import re
import unicodedata

import pytest
import snowballstemmer

import sitemap

HEADING_JS = """
() => {
  const heading = document.querySelector("article h1, .bd-article h1");
  if (!heading) return null;
  const copy = heading.cloneNode(true);
  copy.querySelectorAll(".headerlink").forEach((link) => link.remove());
  return copy.textContent.replace(/\\s+/g, " ").trim();
}
"""


def normalise(text):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def open_page(tab, url):
    response = tab.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    return tab.evaluate(HEADING_JS)


def doc_positions(entry):
    """Return the searchindex positions of the documents that a term entry lists."""
    return entry if isinstance(entry, list) else [entry]


def search_term(language):
    """Return (query, docname): a word of a page title whose search entry lists that page."""
    index = sitemap.load_search_index(language)
    stemmer = snowballstemmer.stemmer("porter")
    for position, docname in enumerate(index["docnames"]):
        if docname == "index":
            continue
        title = index["titles"][position]
        words = re.findall(r"[A-Za-z]{5,}", title)
        for word in sorted(words, key=len, reverse=True):
            entry = index["titleterms"].get(stemmer.stemWord(word.lower()))
            if entry is not None and position in doc_positions(entry):
                return word, docname
        # Chinese titles are split into words by jieba when the index is built.
        for term, entry in index["titleterms"].items():
            if len(term) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in term):
                if position in doc_positions(entry):
                    return term, docname
    return None, None


def test_root_opens_a_language(browser_page, server):
    languages = sitemap.find_languages(sitemap.site_root())
    if not languages:
        pytest.skip("no built site")
    browser_page.goto(server, wait_until="load")
    browser_page.wait_for_load_state("networkidle")
    if languages[0].name:
        prefixes = tuple(f"{server}{language.name}/" for language in languages)
        assert browser_page.url.startswith(prefixes), f"root stayed at {browser_page.url}"
    assert browser_page.evaluate(HEADING_JS), f"no heading at {browser_page.url}"
    assert browser_page.remote_requests == []


def test_search_finds_page_by_title_word(language, browser_page, server):
    query, docname = search_term(language)
    assert query, f"no title word of {language.label} found in its search index"
    prefix = f"{language.name}/" if language.name else ""
    browser_page.goto(f"{server}{prefix}search.html?q={query}", wait_until="load")
    results = browser_page.locator("#search-results ul.search li a")
    results.first.wait_for(state="attached", timeout=30_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any(href.split("#")[0].endswith(f"{docname}.html") for href in hrefs), (
        f"search for {query!r} lists {hrefs}, not {docname}.html"
    )
    assert browser_page.remote_requests == []


def sidebar_links(tab):
    return tab.evaluate(
        """() => Array.from(document.querySelectorAll(".bd-sidenav a.reference.internal"))
            .map((link) => ({href: link.href, text: link.textContent.replace(/\\s+/g, " ").trim()}))"""
    )


def test_sidebar_links_open_their_pages(language, browser_page, server):
    prefix = f"{language.name}/" if language.name else ""
    open_page(browser_page, f"{server}{prefix}index.html")
    links = sidebar_links(browser_page)
    assert links, "the sidebar of the index page has no links"
    for link in links:
        browser_page.goto(f"{server}{prefix}index.html", wait_until="load")
        # Links inside a collapsed section are hidden, so the click is sent from script.
        with browser_page.expect_navigation(wait_until="load"):
            browser_page.evaluate(
                "(href) => Array.from(document.querySelectorAll('.bd-sidenav a'))"
                ".find((a) => a.href === href).click()",
                link["href"],
            )
        assert browser_page.url.split("#")[0] == link["href"].split("#")[0]
        heading = browser_page.evaluate(HEADING_JS)
        assert heading and normalise(heading) == normalise(link["text"]), (
            f"sidebar link {link['text']!r} opened a page titled {heading!r}"
        )
    assert browser_page.remote_requests == []


def walk(tab, selector):
    """Click the link matched by ``selector`` until there is none; return the pages seen."""
    seen = [(tab.url.split("#")[0], tab.evaluate(HEADING_JS))]
    for _ in range(200):
        link = tab.locator(selector)
        if link.count() == 0:
            return seen
        title = normalise(link.first.locator(".prev-next-title").inner_text())
        link.first.click()
        tab.wait_for_load_state("load")
        heading = tab.evaluate(HEADING_JS)
        assert heading and normalise(heading) == title, (
            f"link titled {title!r} opened {tab.url} titled {heading!r}"
        )
        seen.append((tab.url.split("#")[0], heading))
    raise AssertionError(f"{selector} links form a loop")


def test_next_and_previous_walk_the_book(language, browser_page, server):
    prefix = f"{language.name}/" if language.name else ""
    open_page(browser_page, f"{server}{prefix}index.html")
    expected = [link["href"].split("#")[0] for link in sidebar_links(browser_page)]

    forward = walk(browser_page, "a.right-next")
    forward_urls = [url for url, _heading in forward[1:]]
    assert forward_urls == list(dict.fromkeys(expected)), (
        "next links do not follow the sidebar order"
    )

    backward = walk(browser_page, "a.left-prev")
    assert [url for url, _ in backward] == [url for url, _ in reversed(forward)]
    assert browser_page.remote_requests == []


def test_language_switcher_click(language, browser_page, server):
    languages = sitemap.find_languages(sitemap.site_root())
    if len(languages) < 2:
        pytest.skip("the site has one language")
    prefix = f"{language.name}/"
    open_page(browser_page, f"{server}{prefix}index.html")
    switcher = browser_page.locator(".kmdl-language-switcher a[hreflang]")
    assert switcher.count() >= 1, "the index page has no language switcher links"
    hreflang = switcher.first.get_attribute("hreflang")
    switcher.first.click()
    browser_page.wait_for_load_state("load")
    lang = browser_page.evaluate("document.documentElement.lang")
    assert lang.replace("-", "_") == hreflang.replace("-", "_")
    assert browser_page.url.endswith("/index.html") or browser_page.url.endswith("/")
    assert not browser_page.url.startswith(f"{server}{prefix}")


VISIBLE_COUNT_JS = """
(selector) => Array.from(document.querySelectorAll(selector))
    .filter((element) => element.offsetParent !== null && element.getBoundingClientRect().width > 0)
    .length
"""


def click_visible_sidebar_toggle(tab):
    toggles = tab.locator(".primary-toggle")
    visible = [toggles.nth(i) for i in range(toggles.count()) if toggles.nth(i).is_visible()]
    assert len(visible) == 1, f"{len(visible)} visible sidebar toggles"
    visible[0].click()


def test_toggle_hides_sidebar_on_wide_screen(language, browser_page, server):
    prefix = f"{language.name}/" if language.name else ""
    open_page(browser_page, f"{server}{prefix}index.html")
    assert browser_page.evaluate(VISIBLE_COUNT_JS, ".search-button-field") == 1
    sidebar = browser_page.locator("#pst-primary-sidebar")
    assert sidebar.bounding_box()["x"] >= 0
    click_visible_sidebar_toggle(browser_page)
    browser_page.wait_for_function(
        "() => document.querySelector('#pst-primary-sidebar').getBoundingClientRect().right <= 0",
        timeout=5_000,
    )
    # With the sidebar's search field gone, the header's search button takes its place.
    search = browser_page.locator(".bd-header-article .search-button")
    assert search.is_visible()
    search.click()
    browser_page.wait_for_function("() => document.querySelector('#pst-search-dialog')?.open === true", timeout=5_000)


def test_toggle_opens_sidebar_on_narrow_screen(language, browser_page, server):
    prefix = f"{language.name}/" if language.name else ""
    browser_page.set_viewport_size({"width": 420, "height": 800})
    open_page(browser_page, f"{server}{prefix}index.html")
    click_visible_sidebar_toggle(browser_page)
    browser_page.wait_for_function(
        "() => document.querySelector('#pst-primary-sidebar-modal')?.open === true", timeout=5_000
    )
    assert browser_page.locator("#pst-primary-sidebar-modal .bd-sidenav a").first.is_visible()


def test_header_fits_phone_width(language, browser_page, server):
    prefix = f"{language.name}/" if language.name else ""
    browser_page.set_viewport_size({"width": 320, "height": 700})
    open_page(browser_page, f"{server}{prefix}index.html")
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= 320
    search = browser_page.locator(".bd-header-article .search-button")
    assert search.is_visible()
    assert search.bounding_box()["x"] + search.bounding_box()["width"] <= 320
