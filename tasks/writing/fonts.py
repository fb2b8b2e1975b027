"""Font resolution for the PDF writer: which file serves each typographic role, and coverage.

Order per role (first hit wins):
1. "user": the caller's mapping (``[fonts]`` in gongwen.toml), role -> file.
2. "env": an environment variable per role, pointing at a licensed font file (TTF/TTC/OTF):
   GONGWEN_FONT_TITLE, GONGWEN_FONT_BODY, GONGWEN_FONT_HEITI, GONGWEN_FONT_KAITI,
   GONGWEN_FONT_PAGE_NUMBER, e.g. ``GONGWEN_FONT_BODY=/mnt/c/Windows/Fonts/simfang.ttf``.
   For a collection append the subfont index: ``GONGWEN_FONT_PAGE_NUMBER=/fonts/simsun.ttc#0``.
3. "installed": a licensed font under its usual Windows file name (simfang.ttf, simhei.ttf ...)
   found in the usual font folders.
4. "fontconfig": ``fc-match`` for the official family name, accepted only when fontconfig really
   returns that family (it answers every unknown name with a default font).
5. "substitute": the open fonts of shared/spec/fonts.md that the set-up installs.

reportlab embeds TrueType (glyf) outlines only, so CFF fonts (OTF) are converted once and cached
under $XDG_CACHE_HOME/gongwen/fonts, keyed by the source file's hash; fonts missing from the cache are
converted side by side, one process each (~10-30 s each). Characters the role font lacks
fall back, character by character, to the fallback fonts; `FontSet.uncovered` names what nothing covers.
Latin letters and digits come from one Latin font, as Word sets them in Times New Roman (page numbers
keep their 宋体 digits): GONGWEN_FONT_LATIN, times.ttf in the usual folders, fontconfig's real Times New
Roman, else the metric-compatible Liberation Serif (fonts-liberation); the role font's own otherwise.
"""

from __future__ import annotations

import hashlib
import mmap
import multiprocessing
import os
import subprocess
import tempfile
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from pathlib import Path

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont as FtFont
from fontTools.ttLib import newTable
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from tasks.writing.layout import LATIN_FONT_NAME, OFFICIAL_FONT_NAMES, OWN_LATIN_ROLES, FontRole

ENV_PREFIX = "GONGWEN_FONT_"

# Family names fontconfig may know a licensed font by, official name first.
_FAMILY_NAMES: dict[FontRole, tuple[str, ...]] = {
    FontRole.TITLE: (OFFICIAL_FONT_NAMES[FontRole.TITLE], "FZXiaoBiaoSong-B05S"),
    FontRole.BODY: (OFFICIAL_FONT_NAMES[FontRole.BODY], "FangSong_GB2312", "仿宋", "FangSong"),
    FontRole.HEITI: (OFFICIAL_FONT_NAMES[FontRole.HEITI], "SimHei"),
    FontRole.KAITI: (OFFICIAL_FONT_NAMES[FontRole.KAITI], "KaiTi_GB2312", "楷体", "KaiTi"),
    FontRole.PAGE_NUMBER: (OFFICIAL_FONT_NAMES[FontRole.PAGE_NUMBER], "SimSun"),
}

# Licensed fonts under the file names Windows and the font vendors ship them with (lower case).
_LICENSED_FILES: dict[FontRole, tuple[str, ...]] = {
    FontRole.TITLE: ("fzxbsjw.ttf", "方正小标宋简体.ttf"),
    FontRole.BODY: ("fs_gb2312.ttf", "仿宋_gb2312.ttf", "simfang.ttf"),
    FontRole.HEITI: ("simhei.ttf",),
    FontRole.KAITI: ("kaiti_gb2312.ttf", "楷体_gb2312.ttf", "simkai.ttf"),
    FontRole.PAGE_NUMBER: ("simsun.ttc", "simsun.ttf"),
}
_FONT_FOLDERS = (
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path("/usr/local/share/fonts"),
    Path("/usr/share/fonts"),
    Path("/mnt/c/Windows/Fonts"),
    Path("C:/Windows/Fonts"),
    Path.home() / "Library/Fonts",
)

_FANDOL = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")
_UMING = (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0, "AR PL UMing CN")
_MICROHEI = (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0, "WenQuanYi Micro Hei")
# Open substitutes (fonts.md): (file, subfont index, family for fontconfig if the file moved).
_SUBSTITUTES: dict[FontRole, tuple[Path, int, str]] = {
    FontRole.TITLE: (_FANDOL / "FandolSong-Bold.otf", 0, "FandolSong"),
    FontRole.BODY: (_FANDOL / "FandolFang-Regular.otf", 0, "FandolFang"),
    FontRole.HEITI: _MICROHEI,
    FontRole.KAITI: (Path("/usr/share/fonts/truetype/arphic/ukai.ttc"), 0, "AR PL UKai CN"),
    FontRole.PAGE_NUMBER: _UMING,
}
_FALLBACKS = (_UMING, _MICROHEI)
# Latin letters and digits (not a FontRole: it serves every role). Env suffix, licensed file, substitute.
_LATIN = "LATIN"
_LATIN_FILES = ("times.ttf",)
_LATIN_SUBSTITUTE = (
    Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
    0,
    "Liberation Serif",
)


_MAXP_V1_FIELDS = (
    "maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxZones",
    "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
    "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth",
)  # fmt: skip


class FontError(RuntimeError):
    pass


@dataclass(frozen=True)
class ResolvedFont:
    """One font file serving a role. `path`/`index` are the source; `embed_path` what PDF embeds."""

    path: Path
    index: int
    family: str
    source: str  # "user", "env", "installed", "fontconfig", "substitute" or "fallback"
    embed_path: Path
    embed_index: int

    @cached_property
    def pdf_name(self) -> str:
        """The name registered with reportlab: unique per file and subfont."""
        return f"gw-{self.embed_path.stem}-{self.embed_index}"

    def describe(self) -> str:
        suffix = f"#{self.index}" if self.index else ""
        return f"{self.family} ({self.path}{suffix}, {self.source})"

    def face(self) -> TTFont:
        """The reportlab font, parsed and registered once per process."""
        return self._face

    @cached_property
    def _face(self) -> TTFont:
        return _register(self.pdf_name, str(self.embed_path), self.embed_index)

    def covers(self, char: str) -> bool:
        return ord(char) in self._face.face.charToGlyph


def is_latin(char: str) -> bool:
    """Half-width Latin letters, digits and ASCII marks: what Word sets in the w:ascii/w:hAnsi font; and
    the signs of Latin-1 (× ± ° ·), which LibreOffice sets in it too, so that 2×35 is one narrow word in
    both files (docs/docx-parity.md)."""
    width = unicodedata.east_asian_width(char)
    latin_1_sign = "\u00a1" <= char <= "\u00ff"
    return (
        (char.isascii() and char.isprintable() and not char.isspace())
        or latin_1_sign
        or (width in ("N", "A") and "LATIN" in unicodedata.name(char, ""))
    )


def is_weak(char: str) -> bool:
    """Marks and signs of no script of their own (General Punctuation to Arrows: “ ” — … ∶ ℃ →), which
    LibreOffice counts in the script, and sets in the font, of the character before: the Latin one after
    a Latin letter or digit ("互联网+”")."""
    return "\u2000" <= char <= "\u2bff"


@dataclass(frozen=True)
class FontSet:
    roles: dict[FontRole, ResolvedFont]
    fallbacks: tuple[ResolvedFont, ...]
    latin: ResolvedFont | None = None

    def font(self, role: FontRole) -> ResolvedFont:
        return self.roles[role]

    def font_for(self, char: str, role: FontRole, after_latin: bool = False) -> ResolvedFont | None:
        """The first font of the role's chain that has a glyph for `char`; None if none has.

        Latin letters and digits try the Latin font first, in roles that do not set them in their own;
        so do marks of no script of their own right after a Latin character (`after_latin`).
        """
        latin_char = is_latin(char) or (after_latin and is_weak(char))
        latin = self.latin is not None and role not in OWN_LATIN_ROLES and latin_char
        first = (self.latin,) if latin else ()
        for font in (*first, self.roles[role], *self.fallbacks):
            if font.covers(char):
                return font
        return None

    def uncovered(self, text: str) -> list[str]:
        """Characters of `text` no font of any role or fallback can print, in order of appearance."""
        fonts = (*self.roles.values(), *self.fallbacks)
        seen = dict.fromkeys(ch for ch in text if not ch.isspace())
        return [ch for ch in seen if not any(font.covers(ch) for font in fonts)]

    def describe(self) -> dict[str, str]:
        """Role -> which file served it, for report.json."""
        return {role.value: font.describe() for role, font in self.roles.items()}

    def describe_all(self) -> dict[str, str]:
        """`describe`, and the Latin font under "latin" when there is one."""
        latin = {"latin": self.latin.describe()} if self.latin is not None else {}
        return {**self.describe(), **latin}


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gongwen" / "fonts"


class _MappedFile:
    """What reportlab reads a font from: the file memory-mapped rather than read into a bytes object.

    reportlab keeps the whole file for subsetting (56 MB for the substitute fonts). Mapped, only the
    pages it touches are resident, and they are shared by every process that maps the file.
    """

    def __init__(self, path: str) -> None:
        self.name = path

    def read(self) -> mmap.mmap:
        with open(self.name, "rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        mapped.madvise(mmap.MADV_RANDOM)  # glyphs are read here and there: no read-ahead around them
        return mapped


@lru_cache(maxsize=32)
def _register(name: str, path: str, index: int) -> TTFont:
    font = TTFont(name, _MappedFile(path), subfontIndex=index)
    read_glyphs_lazily(font.face)
    pdfmetrics.registerFont(font)
    return font


class _GlyphTable:
    """The 'glyf' table as reportlab's subsetting reads it, one glyph slice at a time.

    reportlab copies the whole table (up to 20 MB per CJK font) for every subset it embeds, and the
    allocator keeps that memory afterwards (~25 MB per process, measured); slicing the mapped file
    per glyph copies only the glyphs a document uses.
    """

    def __init__(self, data: mmap.mmap, start: int, length: int) -> None:
        self.data, self.start, self.length = data, start, length

    def __getitem__(self, part: slice) -> bytes:
        begin, end, _ = part.indices(self.length)
        return self.data[self.start + begin : self.start + end]


def read_glyphs_lazily(face: TTFontFace) -> None:
    """Make `face` hand its glyph table to the subsetter as a `_GlyphTable`."""
    face.get_table = partial(_table, face)


def _table(face: TTFontFace, tag: str) -> bytes | _GlyphTable:
    start, length = face.get_table_pos(tag)
    if tag == "glyf":
        return _GlyphTable(face._ttf_data, start, length)
    return face._ttf_data[start : start + length]


def _is_cff(path: Path, index: int) -> bool:
    with FtFont(path, fontNumber=index, lazy=True) as font:
        return "CFF " in font or "CFF2" in font


def _family_name(path: Path, index: int) -> str:
    with FtFont(path, fontNumber=index, lazy=True) as font:
        name = font["name"]
        record = name.getName(1, 3, 1, 0x804) or name.getName(1, 3, 1)
        return str(record) if record else name.getDebugName(1) or path.stem


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def _convert_cff(source: Path, index: int, target: Path) -> None:
    """Redraw every CFF glyph as quadratic TrueType outlines (reportlab cannot embed CFF)."""
    font = FtFont(source, fontNumber=index)
    glyph_set = font.getGlyphSet()
    order = font.getGlyphOrder()
    glyphs = {}
    for glyph_name in order:
        pen = TTGlyphPen(glyph_set)
        # CFF contours run counter-clockwise, TrueType clockwise.
        glyph_set[glyph_name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[glyph_name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    # Version 1.0 fields; the point and contour maxima are recomputed when the font is saved.
    for field_name in _MAXP_V1_FIELDS:
        setattr(maxp, field_name, 0)
    maxp.maxZones = 1
    font["post"].formatType = 3.0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed: two processes converting at once both end up whole.
    fd, temp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        font.save(temp)
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _embeddable(path: Path, index: int) -> tuple[Path, int]:
    """What reportlab will embed for (path, index): the font itself, or its TrueType twin in the cache."""
    if not _is_cff(path, index):
        return path, index
    return cache_dir() / f"{path.stem}-{index}-{_file_hash(path)}.ttf", 0


def _convert_missing(fonts: list[ResolvedFont]) -> None:
    """Convert the CFF fonts whose twin is not cached yet; two or more in parallel processes."""
    jobs = {font.embed_path: font for font in fonts if font.embed_path != font.path}
    missing = [(font.path, font.index, target) for target, font in jobs.items() if not target.exists()]
    if len(missing) == 1:
        _convert_cff(*missing[0])
    elif missing:
        # spawn, not fork: the caller may run threads (Prefect's engine).
        context = multiprocessing.get_context("spawn")
        workers = min(len(missing), os.cpu_count() or 1)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            list(pool.map(_convert_cff, *zip(*missing, strict=True)))


def truetype_file(path: Path, index: int) -> tuple[Path, int]:
    """A file reportlab can embed for (path, index): the font itself, or its cached TrueType twin."""
    target, embed_index = _embeddable(path, index)
    if target != path and not target.exists():
        _convert_cff(path, index, target)
    return target, embed_index


def _split_index(spec: str) -> tuple[Path, int]:
    path, _, index = spec.partition("#")
    return Path(path).expanduser(), int(index or 0)


def _make(path: Path, index: int, source: str, family: str | None = None) -> ResolvedFont:
    if not path.is_file():
        raise FontError(f"font file not found: {path} ({source})")
    embed_path, embed_index = _embeddable(path, index)  # converted by resolve_fonts, all at once
    return ResolvedFont(path, index, family or _family_name(path, index), source, embed_path, embed_index)


@lru_cache(maxsize=1)
def _fc_families() -> frozenset[str] | None:
    """Every family name fontconfig knows (case-folded), from one fc-list; None if it cannot say."""
    try:
        command = ["fc-list", "--format", "%{family}\n"]
        out = subprocess.run(command, capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return frozenset(name.strip().casefold() for line in out.splitlines() for name in line.split(","))


def _fc_match(family: str) -> tuple[Path, int] | None:
    """fontconfig's file for `family`, only if the family it matched is really the one asked for."""
    families = _fc_families()
    if families is not None and family.casefold() not in families:
        return None  # no installed font has that family: fc-match could only return another one
    try:
        command = ["fc-match", "-f", "%{file}\n%{index}\n%{family}", family]
        out = subprocess.run(command, capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split("\n")
    if len(parts) < 3 or not parts[0]:
        return None
    families = {name.strip().casefold() for name in parts[2].split(",")}
    if family.casefold() not in families:
        return None
    return Path(parts[0]), int(parts[1] or 0)


@lru_cache(maxsize=1)
def _installed_files() -> dict[str, Path]:
    """Lower-cased file name -> path, for the licensed file names in the usual folders."""
    wanted = {name for names in (*_LICENSED_FILES.values(), _LATIN_FILES) for name in names}
    found: dict[str, Path] = {}
    for folder in _FONT_FOLDERS:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            key = path.name.casefold()
            if key in wanted and key not in found:
                found[key] = path
    return found


def _resolve_role(role: FontRole, user_path: Path | None) -> ResolvedFont:
    if user_path is not None:
        return _make(*_split_index(str(user_path)), "user")
    return _resolve(role.name, _LICENSED_FILES[role], _FAMILY_NAMES[role]) or _substitute(
        *_SUBSTITUTES[role], "substitute"
    )


def _resolve(env_suffix: str, files: tuple[str, ...], families: tuple[str, ...]) -> ResolvedFont | None:
    """Sources 2-4 of the module docstring: environment variable, licensed file, real fontconfig match."""
    env = os.environ.get(ENV_PREFIX + env_suffix)
    if env:
        return _make(*_split_index(env), "env")
    installed = _installed_files()
    for file_name in files:
        if file_name in installed:
            return _make(installed[file_name], 0, "installed")
    for family in families:
        match = _fc_match(family)
        if match:
            return _make(*match, "fontconfig", family)
    return None


def _resolve_latin() -> ResolvedFont | None:
    found = _resolve(_LATIN, _LATIN_FILES, (LATIN_FONT_NAME,))
    if found is None and _LATIN_SUBSTITUTE[0].is_file():
        return _substitute(*_LATIN_SUBSTITUTE, "substitute")
    return found


def _substitute(path: Path, index: int, family: str, source: str) -> ResolvedFont:
    if not path.is_file():
        match = _fc_match(family)
        if match is None:
            raise FontError(f"no font for {family}: install the packages of shared/spec/fonts.md")
        path, index = match
    return _make(path, index, source, family)


def resolve_fonts(user_fonts: dict[FontRole, Path] | None = None) -> FontSet:
    """Resolve every role. User paths may carry a subfont index: ``/fonts/simsun.ttc#1``."""
    user_fonts = user_fonts or {}
    roles = {role: _resolve_role(role, user_fonts.get(role)) for role in FontRole}
    fallbacks = tuple(_substitute(*spec, "fallback") for spec in _FALLBACKS if spec[0].is_file())
    latin = _resolve_latin()
    _convert_missing([*roles.values(), *fallbacks, *([latin] if latin else [])])
    return FontSet(roles, fallbacks, latin)
