"""The claims run's page in a real browser (Playwright driving Debian's Chromium against
`moneytrail serve`), helper h246: at 1280 px it was 24,000 px tall (every stored column in its
table) and its "claims file" fact broke mid-word ("claims.ya / ml"); on a phone each claim's
verdict now comes right after the claim, before its checks."""

from __future__ import annotations

import re

import pytest
from webserver import browser_marks, running_server

pytestmark = browser_marks()


@pytest.fixture(scope="module")
def claims_page(tmp_path_factory):
    import httpx

    folder = tmp_path_factory.mktemp("h246-server")
    with running_server(f"sqlite:///{folder / 'ledger.sqlite'}", folder / "server.log") as base:
        html = httpx.get(base + "/claims", timeout=300).text
        found = re.search(r"/r/([0-9a-f]{32})", "".join(
            c for c in re.findall(r'<p class="citation">.*?</p>', html, re.S)
            if "Claims of the debate" in c))
        assert found
        yield f"{base}/r/{found.group(1)}"


WORD_LINES = """() => {
  const walk = document.createTreeWalker(document.querySelector("dl.facts"),
                                         NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const at = walk.currentNode.data.indexOf("claims.yaml");
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(walk.currentNode, at);
      range.setEnd(walk.currentNode, at + "claims.yaml".length);
      return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size;
    }
  }
  return 0;
}"""


@pytest.mark.parametrize("width", [1280, 375])
def test_the_claims_run_page_reads_at_every_width(claims_page, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(claims_page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < (8_000 if width == 1280 else 16_000), height   # 24,152 and 51,889
        assert page.evaluate(WORD_LINES) == 1          # "claims.yaml" on one line
        first = page.locator("table.claims-run tbody.claim-group tr").first
        claim, said, check = (first.locator(c).bounding_box() for c in
                              (".claim-cell", ".claim-verdict-cell", ".check-cell"))
        if width == 1280:           # one row: the claim, its check, ..., its verdict
            assert claim["x"] < check["x"] < said["x"]
        else:                       # a card: the claim, its verdict, then its check
            assert claim["y"] < said["y"] < check["y"]
    finally:
        page.close()
