"""Settings: defaults, then gongwen.toml, then GONGWEN_* environment variables, then CLI flags.

Every effective value remembers where it came from, so `gongwen config` can say it.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from tasks.reading.ingest import DEFAULT_MAX_BYTES
from tasks.writing.layout import PROFILES, FontRole

CONFIG_FILE_NAME = "gongwen.toml"
ENV_PREFIX = "GONGWEN_"
# The documents a conversion can write, each as NAME.<file>: the review DOCX is the DOCX with every
# change as a tracked revision and every doubt as a comment, made from the DOCX.
FORMAT_FILES = {"docx": "docx", "review": "review.docx", "pdf": "pdf", "ofd": "ofd"}
FORMATS = tuple(FORMAT_FILES)
FontKey = tuple[tuple[str, str], ...]  # the fonts named in gongwen.toml, (role, path) sorted: hashable
STATE_DIR = ".gongwen"  # in outputs/: ledger, run lock, staging
FAILED_DIR = "_failed"  # in outputs/: NAME.error.txt of each failed input


@dataclass(frozen=True)
class Settings:
    inputs: Path = Path("inputs")
    outputs: Path = Path("outputs")
    profile: str = "gbt9704"
    summary_chars: int = 300
    concurrency: int = 2
    max_input_bytes: int = DEFAULT_MAX_BYTES
    # A longer result is refused (a 10 MB text would be ~5,600 pages): estimated before rendering,
    # checked after typesetting the PDF.
    max_pages: int = 1000
    # A document still converting after this many seconds fails with that reason and its worker is
    # replaced: no input can hold a worker and the run lock for good.
    document_timeout: float = 300.0
    # `gongwen watch`: a dropped file is converted once its size and time stayed unchanged this long.
    settle_seconds: float = 0.5
    # Poll the inbox instead of OS file events (network shares raise no events for remote writes).
    watch_polling: bool = False
    # Where outputs/ is served over HTTP, for links in the Prefect UI; file:// links without it.
    # `gongwen web` sets it to its own page's address while it runs.
    outputs_url: str = ""
    # `gongwen web`: the token (password) its page asks for; required on an address other than loopback.
    web_token: str = ""
    # Role -> font file for licensed official fonts ([fonts] in gongwen.toml).
    fonts: dict[str, str] = field(default_factory=dict)
    # Which documents to write, comma-separated (a TOML list too). The page count and the font report
    # come from a typeset layout, so pdf or ofd is among them.
    formats: str = ",".join(FORMATS)
    # Days a document outlives its input, and an earlier version its replacement, before the service
    # removes it after a run (`gongwen prune --older-than`); 0 keeps everything.
    retention_days: int = 0
    # An http(s) URL that gets a JSON POST when documents fail and when a run or service stops on an error.
    notify_url: str = ""
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def failed_dir(self) -> Path:
        return self.outputs / FAILED_DIR

    @property
    def state_dir(self) -> Path:
        """Run state (ledger, lock, staging): inside outputs/, so git and users leave it alone."""
        return self.outputs / STATE_DIR

    @property
    def font_key(self) -> FontKey:
        """`fonts` as a hashable key: fonts are parsed once per process and key."""
        return tuple(sorted(self.fonts.items()))

    @property
    def output_formats(self) -> frozenset[str]:
        return frozenset(self.formats.split(","))

    def source_of(self, name: str) -> str:
        return self.sources.get(name, "default")


_SCALARS = {f.name: f for f in fields(Settings) if f.name not in ("fonts", "sources")}
_WORDS = dict.fromkeys(("true", "yes", "on", "1"), True) | dict.fromkeys(("false", "no", "off", "0"), False)
# Lower bounds of numeric settings; any other number must be finite and not negative.
_MINIMUM = {"concurrency": 1, "summary_chars": 1, "max_input_bytes": 1, "max_pages": 1}
_KIND_WORDS = {int: "a whole number", float: "a number", bool: "true or false", str: "text", Path: "a path"}
FONT_ROLES = tuple(role.value for role in FontRole)


def boolean(value: Any) -> bool:
    """true/false, yes/no, on/off, 1/0: environment variables are text, and bool("false") is True."""
    if isinstance(value, bool):
        return value
    return _WORDS[str(value).strip().lower()]  # KeyError: not a yes/no word


def _kind(name: str) -> type:
    default = getattr(Settings(), name)
    return Path if isinstance(default, Path) else type(default)


def _typed(kind: type, value: Any) -> Any:
    """`value` as `kind`, never by truncation or a truth test: 2.7 is not 2, and true is not 1.

    TOML and flags give typed values, which must already be of the kind (an int is a float);
    environment variables give text, which is parsed.
    """
    if isinstance(value, str):
        if kind is bool:
            return boolean(value)
        return kind(value) if kind in (Path, str) else kind(value.strip())  # int("2.7") raises
    if isinstance(value, bool) != (kind is bool):  # true is not 1, and 1 is not true
        raise TypeError(value)
    if isinstance(value, kind):
        return value
    if kind is float and isinstance(value, int):
        return float(value)
    raise TypeError(value)


def _coerce(name: str, value: Any, origin: str) -> Any:
    """A setting from `origin` (a file, a variable, a flag), checked; a ValueError says what is wrong."""
    if name == "formats":
        return _formats(value, origin)
    kind = _kind(name)
    try:
        result = _typed(kind, value)
    except (TypeError, ValueError, KeyError):
        wanted = _KIND_WORDS.get(kind, kind.__name__)
        raise ValueError(f"{origin}: {name} must be {wanted}, got {value!r}") from None
    if kind is Path and not str(value).strip():  # Path("") would quietly be the working directory
        raise ValueError(f"{origin}: {name} must not be empty")
    if name == "profile" and result not in PROFILES:
        raise ValueError(f"{origin}: unknown profile {result!r}; known: {', '.join(sorted(PROFILES))}")
    if kind in (int, float):
        if not math.isfinite(result):
            raise ValueError(f"{origin}: {name} must be a finite number, got {value!r}")
        least = _MINIMUM.get(name, 0)
        if result < least:
            bound = "must not be negative" if least == 0 else f"must be at least {least}"
            raise ValueError(f"{origin}: {name} {bound}, got {value!r}")
    if name == "notify_url" and result and not result.startswith(("http://", "https://")):
        raise ValueError(f"{origin}: {name} must be an http:// or https:// URL, got {value!r}")
    if name == "document_timeout" and not result > 0:
        raise ValueError(f"{origin}: {name} must be more than 0 seconds, got {value!r}")
    return result


def _formats(value: Any, origin: str) -> str:
    """ "pdf, ofd" or ["pdf", "ofd"] -> "pdf,ofd", in the order of FORMATS."""
    names = value if isinstance(value, list) else str(value).split(",")
    wanted = {str(name).strip().lower() for name in names} - {""}
    unknown = wanted - set(FORMATS)
    if unknown or not wanted & {"pdf", "ofd"}:
        raise ValueError(f"{origin}: formats must name pdf or ofd among {', '.join(FORMATS)}, got {value!r}")
    if "review" in wanted and "docx" not in wanted:
        raise ValueError(
            f"{origin}: formats: the review DOCX is made from the DOCX; name docx too, got {value!r}"
        )
    return ",".join(name for name in FORMATS if name in wanted)


def _fonts(table: Any, origin: str) -> dict[str, str]:
    """The [fonts] table: known roles only, each a font file path (a typo must not pass silently)."""
    if not isinstance(table, dict):
        raise ValueError(f'{origin}: fonts must be a table ([fonts] role = "path"), got {table!r}')
    fonts: dict[str, str] = {}
    for role, path in table.items():
        if role not in FONT_ROLES:
            raise ValueError(f"{origin}: unknown font role fonts.{role}; known: {', '.join(FONT_ROLES)}")
        if not isinstance(path, str) or not path.strip():
            raise ValueError(f"{origin}: fonts.{role} must be a font file path, got {path!r}")
        fonts[role] = path
    return fonts


def find_config_file(explicit: Path | None = None) -> Path | None:
    if explicit is not None:
        if not explicit.is_file():
            what = "is not a file" if explicit.exists() else "does not exist"
            raise ValueError(f"config file {explicit} {what}")
        return explicit
    from_env = os.environ.get(f"{ENV_PREFIX}CONFIG")
    if from_env:
        return find_config_file(Path(from_env))
    local = Path.cwd() / CONFIG_FILE_NAME
    return local if local.is_file() else None


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Effective settings. `overrides` are CLI flags; None values are ignored."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    fonts: dict[str, str] = {}
    path = find_config_file(config_file)
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ValueError(f"{path}: not valid TOML: {error}") from None
        section = data.get("gongwen", data)
        if not isinstance(section, dict):
            raise ValueError(f"{path}: gongwen must be a table of settings, got {section!r}")
        for key, value in section.items():
            if key == "fonts":
                fonts = _fonts(value, str(path))
                sources["fonts"] = str(path)
            elif key in _SCALARS:
                values[key] = _coerce(key, value, str(path))
                sources[key] = str(path)
            else:
                raise ValueError(f"{path}: unknown setting {key!r}")
    for key in _SCALARS:
        env_name = ENV_PREFIX + key.upper()
        if env_name in os.environ:
            values[key] = _coerce(key, os.environ[env_name], env_name)
            sources[key] = env_name
    for key, value in overrides.items():
        if value is not None:
            values[key] = _coerce(key, value, f"--{key.replace('_', '-')}")
            sources[key] = "command line"
    return replace(Settings(), **values, fonts=fonts, sources=sources)
