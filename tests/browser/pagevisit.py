"""Load one page of the site in Chromium and record what a reader's browser saw.

``visit_page`` loads a page once in a colour scheme, then records console
errors, failed and off-site requests, images, the contrast of cell outputs,
axe-core's violations, the in-page table of contents and the language links,
and writes a full-page screenshot. The tests assert on the returned record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

# Colour helpers shared by the in-page scripts below. Contrast follows WCAG 2.x:
# relative luminance of sRGB colours and (L1 + 0.05) / (L2 + 0.05).
COLOUR_JS = """
const parseColour = (text) => {
  const m = /rgba?\\(([^)]*)\\)/.exec(text || "");
  if (!m) return null;
  const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
  return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
};
const over = (top, bottom) => {
  const a = top.a + bottom.a * (1 - top.a);
  if (a === 0) return {r: 0, g: 0, b: 0, a: 0};
  const mix = (k) => (top[k] * top.a + bottom[k] * bottom.a * (1 - top.a)) / a;
  return {r: mix("r"), g: mix("g"), b: mix("b"), a};
};
const canvasColour = () => {
  const dark = document.documentElement.dataset.theme === "dark";
  return dark ? {r: 0, g: 0, b: 0, a: 1} : {r: 255, g: 255, b: 255, a: 1};
};
const backgroundOf = (element) => {
  const layers = [];
  for (let e = element; e; e = e.parentElement) {
    const c = parseColour(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0) {
      layers.push(c);
      if (c.a >= 1) break;
    }
  }
  let result = canvasColour();
  for (let i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
  return result;
};
const luminance = (c) => {
  const f = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
};
const contrast = (a, b) => {
  const l1 = luminance(a), l2 = luminance(b);
  return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
};
const isShown = (element) => {
  const style = getComputedStyle(element);
  return element.getClientRects().length > 0 && style.visibility !== "hidden";
};
const rgb = (c) => `rgb(${Math.round(c.r)}, ${Math.round(c.g)}, ${Math.round(c.b)})`;
"""

WAIT_FOR_RENDERING_JS = """
async () => {
  const timeout = new Promise((resolve) => setTimeout(resolve, 20000));
  const images = Array.from(document.images);
  for (const image of images) if (image.loading === "lazy") image.loading = "eager";
  const loaded = Promise.all(images.map((image) => image.complete ? null : new Promise((resolve) => {
    image.addEventListener("load", resolve);
    image.addEventListener("error", resolve);
  })));
  const math = (window.MathJax && MathJax.startup && MathJax.startup.promise) || null;
  await Promise.race([Promise.all([loaded, math, document.fonts.ready]), timeout]);
}
"""

IMAGES_JS = """
() => Array.from(document.images).map((image) => ({
  src: image.currentSrc || image.src,
  complete: image.complete,
  natural_width: image.naturalWidth,
  alt: image.getAttribute("alt"),
  in_article: !!image.closest("article, .bd-article, main"),
}))
"""

OUTPUT_CONTRAST_JS = (
    "() => {"
    + COLOUR_JS
    + """
  const problems = [];
  let checked = 0;
  for (const output of document.querySelectorAll(".cell_output")) {
    const walker = document.createTreeWalker(output, NodeFilter.SHOW_TEXT);
    const seen = new Set();
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const element = node.parentElement;
      if (!node.textContent.trim() || seen.has(element) || !isShown(element)) continue;
      seen.add(element);
      const background = backgroundOf(element);
      const colour = over(parseColour(getComputedStyle(element).color), background);
      const ratio = contrast(colour, background);
      checked += 1;
      if (ratio < 4.5) {
        problems.push({
          text: node.textContent.trim().slice(0, 60),
          colour: rgb(colour),
          background: rgb(background),
          ratio: Math.round(ratio * 100) / 100,
        });
      }
    }
  }
  return {checked, problems};
}
"""
)

# Transparent pixels of a figure show the page behind them; matplotlib draws
# dark text, so a transparent figure needs a light background in dark mode.
IMAGE_BACKGROUND_JS = (
    "() => {"
    + COLOUR_JS
    + """
  const results = [];
  for (const image of document.querySelectorAll(".bd-article img")) {
    if (!image.naturalWidth || !isShown(image)) continue;
    const width = Math.min(image.naturalWidth, 200);
    const height = Math.max(1, Math.round(image.naturalHeight * width / image.naturalWidth));
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0, width, height);
    let pixels;
    try {
      pixels = context.getImageData(0, 0, width, height).data;
    } catch (error) {
      continue;
    }
    let transparent = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] < 250) transparent += 1;
    const background = backgroundOf(image);
    results.push({
      src: image.currentSrc || image.src,
      transparent_fraction: transparent / (width * height),
      background: rgb(background),
      background_luminance: luminance(background),
    });
  }
  return results;
}
"""
)

TOC_JS = """
() => {
  const headingText = (element) => {
    const heading = element.matches("h1,h2,h3,h4,h5,h6")
      ? element : element.querySelector("h1,h2,h3,h4,h5,h6");
    if (!heading) return null;
    const copy = heading.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach((link) => link.remove());
    return copy.textContent.replace(/\\s+/g, " ").trim();
  };
  return Array.from(document.querySelectorAll(".bd-toc-nav a[href^='#']")).map((link) => {
    const id = decodeURIComponent(link.getAttribute("href").slice(1));
    const target = document.getElementById(id);
    return {
      href: link.getAttribute("href"),
      text: link.textContent.replace(/\\s+/g, " ").trim(),
      found: !!target,
      target_text: target ? headingText(target) : null,
    };
  });
}
"""

LANGUAGE_LINKS_JS = """
() => Array.from(document.querySelectorAll(".kmdl-language-switcher a[href]")).map((link) => ({
  href: link.href,
  hreflang: link.getAttribute("hreflang"),
  text: link.textContent.trim(),
}))
"""

AXE_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.slice(0, 5).map((node) => ({
      target: node.target.join(" "),
      summary: node.failureSummary,
    })),
  }));
}
"""


@dataclass
class Visit:
    """What Chromium recorded while loading one page in one colour scheme."""

    url: str
    scheme: str
    data_theme: str = ""
    console_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    remote_requests: list = field(default_factory=list)
    images: list = field(default_factory=list)
    output_contrast: dict = field(default_factory=dict)
    image_backgrounds: list = field(default_factory=list)
    axe_violations: list = field(default_factory=list)
    toc_links: list = field(default_factory=list)
    language_links: list = field(default_factory=list)
    screenshot: Path | None = None
    screenshots: list = field(default_factory=list)


def is_local(url, server):
    """True for URLs the page may load: the test server, data: and blob: URLs."""
    scheme = urlsplit(url).scheme
    if scheme in ("data", "blob", "about"):
        return True
    return url.startswith(server)


def guard_network(tab, server):
    """Abort every request that leaves the test server; return the list that records them."""
    remote = []

    def handle(route):
        url = route.request.url
        if is_local(url, server):
            route.continue_()
        else:
            remote.append(url)
            route.abort("blockedbyclient")

    tab.route("**/*", handle)
    return remote


# Chromium 150 drew a full-page capture of the 78,600 px English API page as a
# mostly blank image, while 73,200 px still worked, so tall pages are captured
# in parts well below either height.
SCREENSHOT_PART_HEIGHT = 20_000


def write_screenshots(tab, path):
    """Write a full-page screenshot to ``path``, in parts PAGE.png, PAGE-2.png, ... when the page is tall.

    Returns the paths written, first part first.
    """
    width, height = tab.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    if height <= SCREENSHOT_PART_HEIGHT:
        tab.screenshot(path=str(path), full_page=True)
        return [path]
    paths = []
    for index, top in enumerate(range(0, height, SCREENSHOT_PART_HEIGHT)):
        part = path if index == 0 else path.with_name(f"{path.stem}-{index + 1}{path.suffix}")
        clip = {"x": 0, "y": top, "width": width, "height": min(SCREENSHOT_PART_HEIGHT, height - top)}
        tab.screenshot(path=str(part), full_page=True, clip=clip)
        paths.append(part)
    return paths


def visit_page(context, server, page, scheme, axe_source, screenshots):
    """Load ``page`` in colour scheme ``scheme`` ('light' or 'dark') and record a Visit."""
    visit = Visit(url=server + page.url_path, scheme=scheme)
    tab = context.new_page()
    try:
        visit.remote_requests = guard_network(tab, server)
        tab.on(
            "console",
            lambda message: message.type == "error"
            and visit.console_errors.append(f"{message.text} ({message.location.get('url', '')})"),
        )
        tab.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))
        tab.on(
            "requestfailed",
            lambda request: is_local(request.url, server)
            and visit.failed_requests.append(f"{request.url}: {request.failure}"),
        )
        tab.on(
            "response",
            lambda response: response.status >= 400
            and visit.failed_requests.append(f"{response.url}: HTTP {response.status}"),
        )
        tab.emulate_media(color_scheme=scheme)
        tab.goto(visit.url, wait_until="load")
        tab.wait_for_load_state("networkidle")
        tab.evaluate(WAIT_FOR_RENDERING_JS)

        visit.data_theme = tab.evaluate("document.documentElement.dataset.theme || ''")
        visit.images = tab.evaluate(IMAGES_JS)
        visit.output_contrast = tab.evaluate(OUTPUT_CONTRAST_JS)
        visit.image_backgrounds = tab.evaluate(IMAGE_BACKGROUND_JS)
        visit.toc_links = tab.evaluate(TOC_JS)
        visit.language_links = tab.evaluate(LANGUAGE_LINKS_JS)

        path = screenshots / page.language.label / scheme / f"{page.name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        visit.screenshots = write_screenshots(tab, path)
        visit.screenshot = visit.screenshots[0]

        tab.add_script_tag(content=axe_source)
        visit.axe_violations = tab.evaluate(AXE_JS)
    finally:
        tab.close()
    return visit
