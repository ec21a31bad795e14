"""The report page around the notebooks: layout, contents menu, print styles, no web fetches.

One self-contained HTML file: styles and a few lines of script inline, images embedded,
nothing fetched from the web, so it works offline and from an e-mail attachment.

Layout, for laptops and phones alike:

* prose in a readable column (at most about 70 characters a line); charts and tables may use
  the wider main column, and whatever is still too wide (a wide table, a chart on a phone)
  scrolls inside its own box, never the page;
* the contents is a fixed sidebar on wide screens and a menu that folds into one line at
  the top on phones (under 64rem);
* section numbers are the notebooks' numbers, 00-08;
* a print style sheet: no menu, full-width text, charts that fit the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pygments.formatters import HtmlFormatter

__all__ = [
    "CSS",
    "REMOTE_RESOURCE",
    "SCRIPT",
    "WIDE_SCREEN",
    "Section",
    "page_html",
]


#: Screens at least this wide show the contents as a sidebar; narrower ones as a menu.
WIDE_SCREEN = "64rem"


CSS = """
:root { --ink: #1b1b1b; --muted: #595959; --rule: #dcdcdc; --accent: #0072B2;
        --side: #f5f5f2; --prose: 56ch; --wide: 62rem; --nav: 16rem; }
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; scroll-padding-top: 3.5rem; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.55; font-size: 1.0625rem;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif;
       overflow-wrap: break-word; }
a { color: #0b4f8a; }
main { max-width: var(--wide); margin: 0 auto; padding: 0 1rem 4rem; }
main p, main li, main dd, main blockquote, main h1, main h2, main h3, main h4,
figcaption, .lede { max-width: var(--prose); }
h1 { font-size: clamp(1.55rem, 1.1rem + 2vw, 2.3rem); line-height: 1.2; margin: 1.25rem 0 .5rem; }
h2 { font-size: 1.4rem; line-height: 1.25; margin: 2rem 0 .5rem; }
h3 { font-size: 1.15rem; margin: 1.5rem 0 .4rem; }
.lede { color: var(--muted); margin: 0 0 1rem; }
.anchor-link { display: none; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em;
       overflow-wrap: anywhere; }
pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .82rem;
      margin: 0; overflow-x: auto; line-height: 1.4; }

.toc { background: var(--side); border-bottom: 1px solid var(--rule); font-size: .95rem;
       position: sticky; top: 0; z-index: 10; }
.toc > summary { cursor: pointer; padding: .65rem 1rem; font-weight: 650; list-style: none; }
.toc > summary::-webkit-details-marker { display: none; }
.toc > summary::before { content: "\\2630\\00a0\\00a0"; }
.toc nav { max-height: 70vh; overflow-y: auto; padding: 0 1rem 1rem; }
.toc ul { list-style: none; margin: 0; padding: 0; }
.toc li { margin: .4rem 0; }
.toc li a { display: flex; gap: .55rem; text-decoration: none; line-height: 1.3; }
.toc .num, .section-label .num { font-variant-numeric: tabular-nums; font-weight: 700; }
.toc .num { color: var(--muted); min-width: 1.4rem; }
.toc .edition { margin-top: 1rem; padding-top: .75rem; border-top: 1px solid var(--rule);
                font-size: .88rem; }
@media (min-width: 64rem) {
  html { scroll-padding-top: 1rem; }
  .toc { position: fixed; top: 0; left: 0; bottom: 0; width: var(--nav); overflow-y: auto;
         border-bottom: 0; border-right: 1px solid var(--rule); }
  .toc > summary::before { content: none; }
  .toc nav { max-height: none; }
  main { margin-left: calc(var(--nav) + 2rem); margin-right: 2rem; padding: 0 0 4rem; }
}

.lead-findings { background: #fbf6ef; border-left: 4px solid #D55E00; padding: .25rem 1rem .5rem;
                 margin: 1rem 0 2rem; max-width: calc(var(--prose) + 2rem); }
.lead-findings h3 { margin-top: .75rem; }
.lead-findings .jp-OutputArea-output { background: none; }  /* no white scroll covers here */
.key-findings ul, .sensitivity-conclusions ul { padding-left: 1.2rem; margin: .5rem 0; }
.key-findings li { margin: .45rem 0; }
.lead-findings .more { font-size: .9rem; color: var(--muted); }
section.notebook { border-top: 3px solid var(--accent); margin-top: 3.5rem; padding-top: .5rem; }
.section-label { font-size: .85rem; color: var(--muted); margin: .25rem 0 0; }
.section-label .num { color: var(--accent); }
section.notebook h1 { font-size: clamp(1.35rem, 1rem + 1.5vw, 1.75rem); margin-top: .25rem; }

.jp-Cell { margin: .75rem 0; }
.jp-OutputArea-output, .table-box { max-width: 100%; overflow-x: auto; }
/* a shadow at an edge where a wide table or chart can still scroll */
.jp-OutputArea-output, .table-box {
  background: linear-gradient(to right, #fff 30%, #fff0) left / 2rem 100% no-repeat local,
              linear-gradient(to left, #fff 30%, #fff0) right / 2rem 100% no-repeat local,
              linear-gradient(to right, #0002, #0000) left / .6rem 100% no-repeat scroll,
              linear-gradient(to left, #0002, #0000) right / .6rem 100% no-repeat scroll; }
.jp-RenderedText pre { background: #fafafa; padding: .35rem .6rem; border-radius: 3px; }
.jp-OutputArea-output table { border-collapse: collapse; font-size: .85rem; margin: .25rem 0;
                              font-variant-numeric: tabular-nums; }
.jp-OutputArea-output th, .jp-OutputArea-output td { border: 0; padding: .3rem .6rem;
       border-bottom: 1px solid var(--rule); vertical-align: top; }
.jp-OutputArea-output table thead th { border-bottom: 2px solid #9a9a9a; background: #f4f4f4;
                                       text-align: left; }
.jp-OutputArea-output table thead th.num { text-align: right; }
.jp-OutputArea-output table tbody th { text-align: left; }
.jp-OutputArea-output table .row-label { display: none; }
table.dataframe td { text-align: right; }
table.dataframe td.text, table.plain-table .text { text-align: left; }
table.plain-table .num { text-align: right; white-space: nowrap; }
table.plain-table th.num { white-space: normal; min-width: 5.5em; }
table.plain-table caption { caption-side: top; text-align: left; font-weight: 600;
                            padding: 0 0 .3rem; }

details.code-fold { margin: .4rem 0; }
details.code-fold > summary { cursor: pointer; color: var(--muted); font-size: .85rem; }
.jp-InputArea .highlight { background: #f6f6f6; padding: .55rem .7rem; border-radius: 4px;
                           margin-top: .25rem; }
.jp-InputArea .highlight pre { overflow-x: auto; }

figure.chart { margin: .5rem 0 1.25rem; }
figure.chart img { display: block; max-width: 100%; height: auto; }
figcaption { font-size: .9rem; color: var(--muted); margin-top: .35rem; position: sticky;
             left: 0; }
.chart-box.is-scrollable figcaption::before { content: "Scroll sideways to see all of the chart. ";
                                              font-weight: 600; color: var(--ink); }
footer.page { margin-top: 4rem; padding-top: 1rem; border-top: 1px solid var(--rule);
              font-size: .9rem; color: var(--muted); }

@media print {
  @page { margin: 16mm 14mm; }
  body { font-size: 10.5pt; line-height: 1.45; }
  .toc { display: none !important; }
  main { max-width: none; margin: 0 !important; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .jp-OutputArea-output { overflow: visible; }
  figure.chart img { min-width: 0 !important; max-width: 100% !important; }
  .chart-box.is-scrollable figcaption::before { content: none; }
  figure, .lead-findings, tr { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  section.notebook { break-before: page; border-top: 0; }
  details.code-fold:not([open]) { display: none; }
  .jp-OutputArea-output table { font-size: 7.5pt; width: 100%; table-layout: fixed; }
  .jp-OutputArea-output th, .jp-OutputArea-output td { overflow-wrap: anywhere;
                                                       padding: .1rem .25rem; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; }
}
"""


#: Code highlighting of the full edition (Pygments' default colours).
HIGHLIGHT_CSS = HtmlFormatter(style="default").get_style_defs(".highlight")


SCRIPT = """
(function () {
  var toc = document.getElementById("toc");
  var wide = window.matchMedia("(min-width: WIDE_SCREEN)");
  function sync() { if (toc) { toc.open = wide.matches; } }
  sync();
  if (wide.addEventListener) { wide.addEventListener("change", sync); }
  if (toc) {
    toc.addEventListener("click", function (e) {
      var link = e.target.closest ? e.target.closest("a") : null;
      if (link && !wide.matches) { toc.open = false; }
    });
  }
  function markScrollable() {
    document.querySelectorAll(".chart-box").forEach(function (box) {
      box.classList.toggle("is-scrollable", box.scrollWidth > box.clientWidth + 1);
    });
  }
  markScrollable();
  window.addEventListener("resize", markScrollable);
  // Tables displayed as bare DataFrames (before report.plain_table): text left, numbers
  // right, headers aligned with their column, and pandas' 0, 1, 2 ... row labels hidden.
  var number = /^[\\s\\d.,%()+\\u2212\\u2013-]*$/;
  var integer = /^\\s*\\d+\\s*$/;
  document.querySelectorAll("table.dataframe").forEach(function (table) {
    var rows = table.tBodies.length ? [].slice.call(table.tBodies[0].rows) : [];
    var head = table.tHead ? table.tHead.rows : [];
    rows.forEach(function (tr) {
      [].forEach.call(tr.cells, function (td) {
        if (td.tagName === "TD" && !number.test(td.textContent)) { td.classList.add("text"); }
      });
    });
    if (head.length !== 1 || !rows.length) { return; }
    var rowLabels = rows.every(function (tr) {
      return tr.cells[0].tagName === "TH" && tr.querySelectorAll("th").length === 1 &&
             integer.test(tr.cells[0].textContent);
    });
    // (the header cell above them is empty, or holds the columns' name)
    if (rowLabels && head[0].cells.length === rows[0].cells.length) {
      head[0].cells[0].classList.add("row-label");
      rows.forEach(function (tr) { tr.cells[0].classList.add("row-label"); });
    }
    [].forEach.call(head[0].cells, function (th, i) {
      var cell = rows[0].cells[i];
      if (cell && cell.tagName === "TD" && !cell.classList.contains("text")) {
        th.classList.add("num");
      }
    });
  });
})();
""".replace("WIDE_SCREEN", WIDE_SCREEN)


#: What would make a browser fetch something from the web (plain hyperlinks are fine).
REMOTE_RESOURCE = re.compile(
    r"""(\bsrc=["']https?://|<link\b[^>]*\bhref=["']https?://|@import\s+url\(["']?https?://)""",
    re.I,
)


@dataclass(frozen=True)
class Section:
    """One notebook on the page: anchor, number (``"04"``), title, label line, rendered cells."""

    anchor: str
    number: str
    title: str
    label: str
    body: str


def _toc(sections: Sequence[Section], extra: Sequence[tuple[str, str]], edition_link: str) -> str:
    items = [
        f'<li><a href="#{a}"><span class="num"></span><span>{t}</span></a></li>' for a, t in extra
    ]
    items += [
        f'<li><a href="#{s.anchor}"><span class="num">{s.number}</span>'
        f"<span>{html.escape(s.title)}</span></a></li>"
        for s in sections
    ]
    return (
        '<details class="toc" id="toc" open><summary>Contents</summary>'
        '<nav aria-label="Contents"><ul>'
        + "".join(items)
        + f'</ul><p class="edition">{edition_link}</p></nav></details>'
    )


def page_html(
    *,
    title: str,
    heading: str,
    lede: str,
    sections: Sequence[Section],
    lead: str = "",
    edition_link: str = "",
    footer: str = "",
    show_code: bool = False,
) -> str:
    """Assemble the page: contents, heading, lede, the lead block, then one section per notebook.

    ``heading`` and ``lede`` are HTML; ``lead`` (e.g. the key findings) comes right under
    the lede, inside the first screen.
    """
    extra = [("key-findings", "Key findings")] if lead else []
    body = "".join(
        f'<section class="notebook" id="{s.anchor}">'
        f'<p class="section-label">{s.label}</p>'
        f"{s.body}</section>"
        for s in sections
    )
    css = CSS + (HIGHLIGHT_CSS if show_code else "")
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{css}</style></head><body>"
        + _toc(sections, extra, edition_link)
        + f'<main><header class="page"><h1>{heading}</h1><p class="lede">{lede}</p></header>'
        + (f'<section class="lead-findings" id="key-findings">{lead}</section>' if lead else "")
        + body
        + (f'<footer class="page">{footer}</footer>' if footer else "")
        + f"</main><script>{SCRIPT}</script></body></html>\n"
    )
    if REMOTE_RESOURCE.search(page):
        raise RuntimeError(
            "the report would fetch a resource from the web; it must be self-contained"
        )
    return page
