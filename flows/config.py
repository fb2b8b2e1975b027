"""Settings: defaults, then gongwen.toml, then GONGWEN_* environment variables, then CLI flags.

Every effective value remembers where it came from, so `gongwen config` can say it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from flows.outputs import FAILED_DIR, STATE_DIR
from tasks.ingest import DEFAULT_MAX_BYTES
from tasks.layout import PROFILES

CONFIG_FILE_NAME = "gongwen.toml"
ENV_PREFIX = "GONGWEN_"
FORMATS = ("docx", "pdf", "ofd")


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
    outputs_url: str = ""
    # Role -> font file for licensed official fonts ([fonts] in gongwen.toml).
    fonts: dict[str, str] = field(default_factory=dict)
    # Which documents to write, comma-separated (a TOML list too). The page count and the font report
    # come from a typeset layout, so pdf or ofd is among them.
    formats: str = ",".join(FORMATS)
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def failed_dir(self) -> Path:
        return self.outputs / FAILED_DIR

    @property
    def state_dir(self) -> Path:
        """Run state (ledger, lock, staging): inside outputs/, so git and users leave it alone."""
        return self.outputs / STATE_DIR

    @property
    def font_key(self) -> tuple[tuple[str, str], ...]:
        """`fonts` as a hashable key: fonts are parsed once per process and key."""
        return tuple(sorted(self.fonts.items()))

    @property
    def output_formats(self) -> frozenset[str]:
        return frozenset(self.formats.split(","))

    def source_of(self, name: str) -> str:
        return self.sources.get(name, "default")


_SCALARS = {f.name: f for f in fields(Settings) if f.name not in ("fonts", "sources")}
_WORDS = dict.fromkeys(("true", "yes", "on", "1"), True) | dict.fromkeys(("false", "no", "off", "0"), False)


def boolean(value: Any) -> bool:
    """true/false, yes/no, on/off, 1/0: environment variables are text, and bool("false") is True."""
    if isinstance(value, bool):
        return value
    return _WORDS[str(value).strip().lower()]  # KeyError: not a yes/no word


def _coerce(name: str, value: Any, origin: str) -> Any:
    if name == "formats":
        return _formats(value, origin)
    default = getattr(Settings(), name)
    kind = Path if isinstance(default, Path) else boolean if isinstance(default, bool) else type(default)
    try:
        result = kind(value)
    except (TypeError, ValueError, KeyError):
        raise ValueError(f"{origin}: {name} must be {kind.__name__}, got {value!r}") from None
    if name == "profile" and result not in PROFILES:
        raise ValueError(f"{origin}: unknown profile {result!r}; known: {', '.join(sorted(PROFILES))}")
    if name in ("concurrency", "summary_chars", "max_input_bytes", "max_pages") and result < 1:
        raise ValueError(f"{origin}: {name} must be at least 1, got {result}")
    if name == "document_timeout" and not result > 0:
        raise ValueError(f"{origin}: {name} must be more than 0 seconds, got {result}")
    if name == "settle_seconds" and result < 0:
        raise ValueError(f"{origin}: {name} must not be negative, got {result}")
    return result


def _formats(value: Any, origin: str) -> str:
    """ "pdf, ofd" or ["pdf", "ofd"] -> "pdf,ofd", in the order of FORMATS."""
    names = value if isinstance(value, list) else str(value).split(",")
    wanted = {str(name).strip().lower() for name in names} - {""}
    unknown = wanted - set(FORMATS)
    if unknown or not wanted & {"pdf", "ofd"}:
        raise ValueError(f"{origin}: formats must name pdf or ofd among {', '.join(FORMATS)}, got {value!r}")
    return ",".join(name for name in FORMATS if name in wanted)


def find_config_file(explicit: Path | None = None) -> Path | None:
    if explicit is not None:
        if not explicit.is_file():
            raise ValueError(f"config file {explicit} does not exist")
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
        for key, value in section.items():
            if key == "fonts" and isinstance(value, dict):
                fonts.update({str(k): str(v) for k, v in value.items()})
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
