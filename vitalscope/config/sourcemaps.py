"""Settings of source maps (the `sourcemaps:` section of the YAML file)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SourcemapSettings(BaseModel):
    """Settings of source-map uploads and symbolication."""

    model_config = ConfigDict(extra="forbid")

    max_file_bytes: int = Field(
        default=32 * 1024 * 1024, ge=1024, le=512 * 1024 * 1024,
        description="Largest source map or minified script one upload may carry, in bytes "
        "(uncompressed); a larger one is refused with 413.",
    )
    max_release_files: int = Field(
        default=2000, ge=1, le=100_000,
        description="Most files (maps and scripts) one release of a site may hold; uploads "
        "past it are refused with 409.",
    )
    cache_entries: int = Field(
        default=16, ge=0, le=1024,
        description="Parsed source maps each process keeps for symbolication (least recently "
        "used go first; 0: parse on every read). A parsed map takes about as much memory as "
        "its JSON.",
    )
