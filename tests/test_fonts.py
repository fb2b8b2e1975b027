"""Font resolution: the order of sources, fontconfig's false matches, CFF conversion and its cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from tasks.writing import fonts as fonts_module
from tasks.writing.fonts import ENV_PREFIX, FontError, FontSet, resolve_fonts, truetype_file
from tasks.writing.layout import FontRole

UKAI = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")
FANDOL_FANG = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf")


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    return resolve_fonts()


def test_every_role_resolves_to_an_embeddable_font(fonts: FontSet) -> None:
    assert set(fonts.roles) == set(FontRole)
    for role, font in fonts.roles.items():
        assert font.path.is_file(), role
        assert font.source in ("user", "env", "installed", "fontconfig", "substitute"), role
        with TTFont(font.embed_path, fontNumber=font.embed_index, lazy=True) as tt:
            assert "glyf" in tt, f"{role}: reportlab embeds TrueType outlines only"
        assert font.covers("中"), role
    assert set(fonts.describe()) == {role.value for role in FontRole}


def test_cff_substitutes_are_converted_once_into_the_cache(fonts: FontSet) -> None:
    body = fonts.font(FontRole.BODY)
    if body.path != FANDOL_FANG:
        pytest.skip("body font is not the FandolFang substitute here")
    assert body.embed_path.parent == fonts_module.cache_dir()
    stamp = body.embed_path.stat().st_mtime_ns
    assert truetype_file(body.path, 0) == (body.embed_path, 0)
    assert body.embed_path.stat().st_mtime_ns == stamp, "cached conversion reused, not redone"
    assert not list(body.embed_path.parent.glob("*.tmp")), "no temp file left behind"


def test_env_variable_wins_over_substitutes(monkeypatch: pytest.MonkeyPatch, fonts: FontSet) -> None:
    monkeypatch.setenv(ENV_PREFIX + "BODY", f"{UKAI}#0")
    resolved = resolve_fonts()
    assert resolved.font(FontRole.BODY).source == "env"
    assert resolved.font(FontRole.BODY).path == UKAI
    assert resolved.font(FontRole.HEITI) == fonts.font(FontRole.HEITI)


def test_user_mapping_wins_over_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_PREFIX + "KAITI", "/nonexistent/simkai.ttf")
    resolved = resolve_fonts({FontRole.KAITI: UKAI})
    assert resolved.font(FontRole.KAITI).source == "user"


def test_missing_user_font_is_an_error() -> None:
    with pytest.raises(FontError, match="not found"):
        resolve_fonts({FontRole.TITLE: Path("/nonexistent/FZXBSJW.TTF")})


def test_licensed_windows_file_names_are_found(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fonts: FontSet
) -> None:
    shutil.copy(UKAI, tmp_path / "SIMKAI.TTF")  # any TrueType file under the licensed name
    monkeypatch.setattr(fonts_module, "_FONT_FOLDERS", (tmp_path,))
    fonts_module._installed_files.cache_clear()
    try:
        resolved = resolve_fonts()
    finally:
        fonts_module._installed_files.cache_clear()
    assert resolved.font(FontRole.KAITI).source == "installed"
    assert resolved.font(FontRole.KAITI).path == tmp_path / "SIMKAI.TTF"


def test_fontconfig_default_font_is_not_taken_for_the_family() -> None:
    # fontconfig answers an unknown family with its default font; that is no match.
    assert fonts_module._fc_match("仿宋_GB2312-does-not-exist") is None


def test_per_character_fallback_and_uncovered(fonts: FontSet) -> None:
    assert fonts.font_for("中", FontRole.BODY) == fonts.font(FontRole.BODY)
    rare = "镕"  # outside GB2312
    font = fonts.font_for(rare, FontRole.BODY)
    assert font is not None and font.covers(rare)
    nothing = "\U0002a6d7"
    assert fonts.font_for(nothing, FontRole.BODY) is None
    assert fonts.uncovered(f"中{nothing}{rare} {nothing}") == [nothing]


@pytest.mark.parametrize("role", list(FontRole))
def test_subsets_read_glyph_by_glyph_equal_reportlabs_own(fonts: FontSet, role: FontRole) -> None:
    """The embedded subset is byte for byte what reportlab makes from the whole glyph table."""
    face = fonts.font(role).face().face
    text = "关于加强政务信息工作的通知一二三（）。，2024年ABC"
    codes = [ord(ch) for ch in text if face.charToGlyph.get(ord(ch))]
    ours = face.makeSubset(codes)
    del face.get_table  # reportlab's own method: the whole table copied at once
    try:
        theirs = face.makeSubset(codes)
    finally:
        fonts_module.read_glyphs_lazily(face)
    assert ours == theirs
