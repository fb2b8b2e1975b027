"""PNG previews of the sample speech's first pages for the README, from the pipeline's own PDF.

    python3 scripts/make_previews.py        # writes docs/sample-page-1.png and docs/sample-page-2.png

The sample in inputs/ goes through `convert_document` (what each Prefect task runs) into a temporary
outputs folder; pdftoppm (poppler-utils, installed by scripts/setup.sh) renders the pages at 80 dpi,
which are framed by a grey line (a white page on a white README) and kept to 16 grey levels (~45 KB).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.config import Settings  # noqa: E402 (after the repo root is on the path)
from flows.engine.convert import convert_document  # noqa: E402

PAGES = (1, 2)
DPI = 80
GREYS = 16
FRAME = 160  # grey level of the page's outline


def make_previews(docs: Path) -> list[Path]:
    sample = next((ROOT / "inputs").glob("*.txt"))
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        result = convert_document(sample, Settings(outputs=Path(tmp)), "sample")
        pdf = Path(result.output_dir) / "sample.pdf"
        for page in PAGES:
            rendered = Path(tmp) / f"page-{page}"
            command = [
                "pdftoppm",
                "-r",
                str(DPI),
                "-png",
                "-gray",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
            ]
            subprocess.run([*command, str(pdf), str(rendered)], check=True)
            with Image.open(rendered.with_suffix(".png")) as image:
                framed = ImageOps.expand(image.convert("L"), border=1, fill=FRAME)
            target = docs / f"sample-page-{page}.png"
            framed.quantize(GREYS).save(target, optimize=True)
            written.append(target)
    return written


if __name__ == "__main__":
    for path in make_previews(ROOT / "docs"):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
