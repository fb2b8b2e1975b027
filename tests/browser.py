"""Debian's chromium as the suite and scripts/web_screenshots.py launch it through Playwright: headless,
as root, and without the background connections this machine's closed network refuses."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",  # the file picker's own words in Chinese too
]
