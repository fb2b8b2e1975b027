"""Screenshots of `gongwen web` for docs/web.md and the README: drafts just handed in, the list, a failure.

Starts `gongwen web --port 0` on a temporary inbox and outputs folder, hands in a few corpus texts
through the page (as a person would, with the file picker), a file that cannot be converted, and
photographs the page with Debian's chromium driven by Playwright.

    python3 scripts/web_screenshots.py            # writes docs/web-upload.png, web-list.png, web-failed.png
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "samples" / "corpus"
DRAFTS = [
    ROOT / "tests" / "data" / "samples" / "speech_office_directors.txt",
    CORPUS / "gov_2018_incentive_support_notice.txt",
    CORPUS / "sichuan_2014_inspection_notice.txt",
    CORPUS / "xiangcun_zhenxing_2018_opinion.txt",
]
VIEWPORT = {"width": 1280, "height": 860}


def start_page(root: Path) -> tuple[subprocess.Popen, str]:
    """`gongwen web` on root/inputs -> root/outputs; its URL once it converts."""
    (root / "inputs").mkdir()
    command = [sys.executable, "-m", "flows.cli", "web", "--port", "0"]
    command += ["--inputs", str(root / "inputs"), "--outputs", str(root / "outputs")]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_HOME": str(root / "prefect")}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    url = process.stdout.readline().split()[2]
    process.stdout.readline()  # "converting what lands in …": ready
    return process, url


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="gongwen-shots-") as scratch:
        root = Path(scratch)
        unreadable = root / "会议纪要.txt"
        unreadable.write_bytes(b"\x00\x01\x02 binary \x00 data")
        process, url = start_page(root)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
                page.goto(url)
                page.set_input_files("#upload input[type=file]", [str(p) for p in [*DRAFTS, unreadable]])
                expect(page.locator("#message")).to_contain_text("已收到")
                expect(
                    page.locator("tr[data-status=queued], tr[data-status=converting]").first
                ).to_be_visible()
                page.screenshot(path=ROOT / "docs" / "web-upload.png")
                expect(page.locator("tr[data-status=queued], tr[data-status=converting]")).to_have_count(
                    0, timeout=120_000
                )
                page.reload()
                page.locator("img").last.wait_for()
                page.screenshot(path=ROOT / "docs" / "web-list.png")
                page.goto(url + "?q=会议纪要")
                page.screenshot(path=ROOT / "docs" / "web-failed.png")
                browser.close()
        finally:
            process.terminate()
            process.wait(60)
    print("docs/web-upload.png, docs/web-list.png, docs/web-failed.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
