"""What the briefing tests share: the reference plan, hostile text, page images."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"
DRAWS = 2000
HOSTILE_TITLE = ("<script>alert('title')</script> <b>bold</b> & "
                 + "Gigafactory" * 9 + " صندوق الذكاء الاصطناعي קרן בינה מלאכותית"
                 + " emoji \U0001F680 \U0001F469\u200d\U0001F4BB")
HOSTILE_NOTE = ('<img src=x onerror="alert(1)"> <a href="javascript:alert(2)">click</a> '
                + "Supercalifragilistic" * 10 + " ملاحظة")


def page_images(pdf: Path, folder: Path, dpi: int = 40) -> list[Path]:
    """Every page as a PNG (pdftoppm); skipped with the reason when poppler is missing."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed (make system-deps installs poppler-utils)")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf),
                           str(folder / "page")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return sorted(folder.glob("page-*.png"))


def text_of(html: str | bytes) -> str:
    """A page's text as a reader sees it: tags out, entities read, white space single."""
    page = html.decode("utf-8") if isinstance(html, bytes) else html
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def plan_variant(base: Path, folder: Path, **changes: Any) -> Any:
    """The plan file `base` with `changes` applied, written to `folder/<id>.yaml` (a plan's
    id must equal its file name) and loaded as a scenarios.Plan."""
    from moneytrail.scenarios import load_scenario

    data = yaml.safe_load(base.read_text())
    data.update(changes)
    path = folder / f"{data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return load_scenario(path)
