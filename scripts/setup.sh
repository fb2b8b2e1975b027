#!/usr/bin/env bash
# Installs everything gongwen needs on a fresh Debian machine with Python 3.11 (run as root):
# fonts (open substitutes for the official ones), poppler-utils and LibreOffice (for checks and the
# DOCX round-trip test), the Python packages, and the fontconfig alias for the official font names.
# Idempotent and quick when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  fontconfig
  fonts-wqy-microhei      # 黑体 substitute (TrueType)
  fonts-arphic-ukai       # 楷体 substitute (TrueType)
  fonts-arphic-uming      # 宋体 substitute and per-character fallback (TrueType)
  texlive-lang-chinese    # Fandol fonts: 仿宋 body and 小标宋 title substitutes (CFF, converted once)
  fonts-liberation        # Liberation Serif: Latin letters and digits, metric-compatible with Times New Roman
  poppler-utils           # pdftoppm, pdffonts: looking at and checking PDFs
  libreoffice-writer-nogui  # DOCX -> PDF round trip in tests and the benchmark
  chromium                # the web page's browser test (Playwright drives it; tests/test_web.py)
  postgresql              # a throw-away cluster for the Prefect server: scripts/scale_out.py --database postgresql
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp=".gongwen-setup.stamp"
want="$(python3 --version) $(sha256sum pyproject.toml | cut -c1-16)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]] || ! python3 -c "import tasks, flows, prefect, docx, reportlab, jieba, pdfplumber, xdist" 2>/dev/null; then
  echo "setup: installing Python packages"
  python3 -m pip install -q --disable-pip-version-check -e ".[test]" 2>&1 | grep -v -e "^WARNING: Running pip as the 'root'" -e "is ignored: it is neither a file" || true
  python3 -c "import tasks, flows, prefect, docx, reportlab, jieba, pdfplumber, xdist"
  echo "$want" > "$stamp"
fi

# fontconfig: map 仿宋_GB2312, 黑体 ... to the open substitutes so LibreOffice shows the DOCX as meant.
alias_conf="fonts/fontconfig/65-gongwen.conf"
if [[ -f "$alias_conf" ]] && ! cmp -s "$alias_conf" /etc/fonts/conf.d/65-gongwen.conf; then
  cp "$alias_conf" /etc/fonts/conf.d/65-gongwen.conf
  fc-cache -f >/dev/null
fi
python3 -c "from tasks.writing.fonts import resolve_fonts; from tasks.text.words import tokenizer; resolve_fonts(); tokenizer()" || true  # CFF fonts converted (in parallel) and jieba cached now, not in the first run
