"""Settings: one pydantic-settings class, read from ``CALLSCRIBE_*`` variables and a TOML file.

Precedence, highest first: values passed in code (CLI flags), environment variables, the TOML
file (``--config FILE`` or ``CALLSCRIBE_CONFIG``), built-in defaults. A TOML file may use
sections: ``[trunk] host = "..."`` is the same setting as ``trunk_host``, that is
``CALLSCRIBE_TRUNK_HOST``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from callscribe.errors import ConfigError

CONFIG_ENV = "CALLSCRIBE_CONFIG"


class _TomlSource(PydanticBaseSettingsSource):
    """Reads a TOML file, flattening ``[section] key`` into ``section_key``."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None) -> None:
        super().__init__(settings_cls)
        self._values: dict[str, Any] = {}
        if path is None:
            return
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file {path} does not exist") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
        self._values = _flatten(raw)
        unknown = sorted(set(self._values) - set(settings_cls.model_fields))
        if unknown:
            raise ConfigError(f"config file {path}: unknown setting(s) {', '.join(unknown)}")

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._values)


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}".replace("-", "_").lower()
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}_"))
        else:
            out[name] = value
    return out


MAX_AUTO_WORKERS = 8


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity where the OS tells it, else all)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Settings(BaseSettings):
    """Every setting of the server, the CLI and the pipeline."""

    model_config = SettingsConfigDict(env_prefix="CALLSCRIBE_", extra="forbid")

    # --- server -------------------------------------------------------------------------------
    data_dir: Path = Field(
        Path("callscribe-data"), description="Where SQLite, keys and files live."
    )
    host: str = Field("127.0.0.1", description="Address the API listens on.")
    port: int = Field(8000, ge=0, le=65535)
    public_url: str | None = Field(
        None, description="Base URL clients reach the server at (for links); derived if unset."
    )
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    max_body_bytes: int = Field(
        5 * 1024 * 1024, ge=1024, description="Largest accepted JSON request body."
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["console", "json"] = "console"

    # --- storage --------------------------------------------------------------------------------
    database_url: SecretStr | None = Field(
        None, description="SQLAlchemy URL; default is a SQLite file in the data directory."
    )
    redis_url: SecretStr | None = Field(
        None,
        description="Redis URL shared by every node: live events on Redis Streams (a "
        "subscriber on any node follows a conversation held by any other), requests about a "
        "call routed to the node holding it, calls placed on a node with room; "
        "/health/ready reports whether it answers. Unset: one process holds everything.",
    )

    # --- auth -----------------------------------------------------------------------------------
    token_ttl_seconds: int = Field(86400, ge=1, description="Lifetime of an access token.")
    login_failures_per_minute: int = Field(
        10,
        ge=1,
        le=10_000,
        description="Wrong appSecrets a client address, or an appId, may send in a minute "
        "before token:generate answers 429 (the right secret too) until the minute passes.",
    )
    token_checks_per_second: float = Field(
        5.0,
        gt=0,
        le=1000,
        description="Secrets token:generate checks per second in all (each an scrypt hash of "
        "~45 ms of CPU), so it cannot take the CPU live calls need; 429 beyond.",
    )
    jwt_secret: SecretStr | None = Field(
        None, description="Key that signs tokens; default is generated once into the data dir."
    )

    # --- speech and live conversations ----------------------------------------------------------
    asr_engine: str = Field(
        "whisper-tiny.en",
        description="whisper-tiny.en, whisper-base, moonshine-base or faster-whisper:<path>.",
    )
    asr_multilingual_engine: str = Field(
        "whisper-base",
        description="Engine for speech in other languages than English (a languageCode): "
        "whisper-base or faster-whisper:<path> of a multilingual model.",
    )
    detect_language: bool = Field(
        False,
        description="With no languageCode, detect each utterance's language with the "
        "multilingual engine (slower than the English engine) instead of assuming English.",
    )
    asr_threads: int = Field(1, ge=1, le=64, description="CPU threads for each recognition worker.")
    asr_beam_size: int = Field(5, ge=1, le=10)
    asr_workers: int | None = Field(
        None,
        ge=1,
        le=16,
        description="Recognition workers running at once, each with its own copy of the "
        "model; interims may use all but one, so finals never wait behind an interim. Unset: "
        "one per CPU this process may use, at most 8 (on two cores, 2 workers of 1 thread "
        "sustain 10 live streams in bench.streams).",
    )
    asr_full_window: bool = Field(
        False,
        description="Whisper engines encode their whole 30 s window for every utterance, as "
        "trained, instead of only the audio plus asr_padding (slower; WER on the 8 kHz "
        "benchmark 2.99 % against 3.37 % with 20 s of padding, on a faster CPU).",
    )
    asr_padding: float | None = Field(
        None,
        ge=5.0,
        le=30.0,
        description="Seconds of silence after the audio in Whisper's trimmed window; unset: "
        "chosen when the model loads from how fast this CPU encodes (20 s where a 4 s "
        "utterance with it encodes within 0.2 s of one core, else 15 s, else 10 s), so a "
        "slower CPU keeps its finals on time. The choice is logged at start and shown by "
        "config show.",
    )
    speaker_separation: bool = Field(
        True,
        description="Tell speakers apart by their voices on calls, and on streams that give "
        "no speaker; speaker events, where they come, name the voices (CAM++ model, ~25 ms "
        "of CPU per second of speech).",
    )
    max_live: int = Field(50, ge=1, description="Live conversations (calls, streams) at once.")
    node_lease_seconds: float = Field(
        30.0,
        ge=3.0,
        le=3600.0,
        description="Nodes on one database: a node silent this long is taken for dead; its "
        "jobs are run again and its conversations finished (node_lost) by another.",
    )
    max_live_per_app: int = Field(20, ge=1, description="Live conversations per app at once.")
    node_url: str | None = Field(
        None,
        description="Where other nodes reach this node's API (a stream a full node cannot "
        "take is carried here); default http://<host>:<port>, the host's name when listening "
        "on every address.",
    )
    drain_seconds: float = Field(
        30.0,
        ge=0.0,
        le=3600.0,
        description="A server stopped cleanly takes no new calls, hangs up its calls "
        "(endReason server_stopped) and waits this long for their conversations to complete "
        "(summary, e-mail) before it exits.",
    )

    # --- telephony ------------------------------------------------------------------------------
    sip_listen: str = Field(
        "0.0.0.0:5060", description="Where the embedded SIP user agent listens (host:port)."
    )
    sip_interface: str | None = Field(
        None, description="Network interface address for SIP/RTP (127.0.0.1 for loopback peers)."
    )
    sip_domain: str | None = Field(None, description="Domain of the From header of calls.")
    rtp_ports: str = Field(
        "10000-20000",
        description="UDP ports for call audio (RTP and RTCP), low-high: the range a firewall "
        "in front of the server must let through.",
    )
    trunk_host: str | None = Field(None, description="SIP trunk host[:port] for PSTN numbers.")
    trunk_transport: Literal["udp", "tcp", "tls"] = "udp"
    trunk_username: str = "callscribe"
    trunk_password: SecretStr | None = None
    trunk_caller_id: str | None = None
    trunk_allow: str = Field(
        "+1", description="Comma-separated E.164 prefixes PSTN calls may go to (toll fraud guard)."
    )
    silence_timeout: float = Field(
        1800.0, gt=0, description="End a call after this many seconds without speech."
    )
    max_call_seconds: float = Field(
        14400.0, ge=0, description="End a call after this long (0: no limit)."
    )
    answer_timeout: float = Field(60.0, gt=0, description="Give up when not answered in time.")
    media_timeout: float = Field(10.0, gt=0, description="End a call whose audio stops this long.")
    dtmf_mode: Literal["rfc4733", "info"] = "rfc4733"

    # --- async audio ----------------------------------------------------------------------------
    max_upload_bytes: int = Field(
        1024**3, ge=1024, description="Largest audio upload or downloaded audio URL."
    )
    audio_url_allow: str = Field(
        "*", description="Comma-separated host patterns audio URLs may point at (fnmatch)."
    )
    audio_url_allow_private: bool = Field(
        False, description="Allow audio URLs on loopback or private addresses."
    )
    audio_url_timeout: float = Field(300.0, gt=0, description="Seconds to download an audio URL.")

    # --- recordings and retention ---------------------------------------------------------------
    keep_audio: bool = Field(
        False,
        description="Keep every conversation's audio unless a request says keepAudio=false "
        "(calls, streams and uploads; downloaded at GET /v1/conversations/{id}/audio).",
    )
    keep_audio_format: Literal["opus", "flac"] = Field(
        "opus",
        description="opus: Ogg/Opus at 32 kb/s (~14 MB an hour); flac: lossless 16 kHz (~4x).",
    )
    recordings_url: str | None = Field(
        None,
        description="s3://bucket[/prefix]: finished recordings go to S3-compatible storage "
        "(credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile); unset: the "
        "data directory.",
    )
    s3_endpoint_url: str | None = Field(
        None, description="The S3 API's URL for storage other than AWS (MinIO, Ceph, R2…)."
    )
    s3_region: str | None = Field(None, description="The bucket's region (AWS).")
    retention_days: float | None = Field(
        None,
        gt=0,
        description="Delete kept audio (or whole conversations, see retention_scope) this many "
        "days after the conversation ended; unset keeps them for ever.",
    )
    retention_scope: Literal["audio", "conversation"] = Field(
        "audio",
        description="What retention_days deletes: the audio only, or the whole conversation "
        "(with a conversation.deleted webhook).",
    )

    # --- insights -------------------------------------------------------------------------------
    preload_models: bool = Field(
        True, description="Load the NLP models in the background at start, not on first use."
    )
    summary_llm_url: str | None = Field(
        None, description="OpenAI-compatible endpoint for abstractive summaries (optional)."
    )
    summary_llm_model: str = Field("gpt-4o-mini", description="Model name sent to that endpoint.")
    summary_llm_api_key: SecretStr | None = None

    # --- actions: e-mail, webhooks, summary page ---
    smtp_host: str | None = Field(
        None, description="SMTP server for summary e-mails; unset writes .eml files to outbox/."
    )
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        "starttls", description="none, starttls (upgrade on connect) or tls (implicit TLS)."
    )
    smtp_from: str = Field("callscribe <callscribe@localhost>", description="From: of e-mails.")
    smtp_timeout: float = Field(30.0, gt=0, description="Seconds for one SMTP exchange.")
    email_transcript_lines: int = Field(
        200, ge=0, description="Transcript lines in a summary e-mail; the page has the rest."
    )
    action_attempts: int = Field(
        6, ge=1, le=100, description="Attempts per e-mail or webhook call before it fails."
    )
    action_retry_delay: float = Field(
        5.0, ge=0, description="Seconds before the first retry; each next waits 3x longer."
    )
    action_retry_max_delay: float = Field(600.0, ge=0, description="Longest wait between tries.")
    webhook_timeout: float = Field(10.0, gt=0, description="Seconds for one webhook call.")
    webhook_allow_private: bool = Field(
        False, description="Allow webhook URLs on loopback or private addresses."
    )

    @field_validator("jwt_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters (it signs every access token)")
        return value

    @field_validator("rtp_ports")
    @classmethod
    def _port_range(cls, value: str) -> str:
        low, sep, high = value.partition("-")
        if not (sep and low.strip().isdigit() and high.strip().isdigit()):
            raise ValueError(f"expected low-high, e.g. 10000-20000; got {value!r}")
        lo, hi = int(low), int(high)
        if not 1024 <= lo < hi <= 65535 or hi - lo < 3:
            raise ValueError(
                f"{value!r}: need 1024 <= low < high <= 65535 and at least 4 ports "
                "(each call takes one for RTP and the next for RTCP)"
            )
        return f"{lo}-{hi}"

    @property
    def rtp_port_range(self) -> tuple[int, int]:
        """``rtp_ports`` as (lowest, highest)."""
        low, high = self.rtp_ports.split("-")
        return int(low), int(high)

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_path = os.environ.get(CONFIG_ENV)
        toml = _TomlSource(settings_cls, Path(config_path) if config_path else None)
        return init_settings, env_settings, toml

    @property
    def recognition_workers(self) -> int:
        """``asr_workers``, or one per CPU this process may use (at most ``MAX_AUTO_WORKERS``)."""
        return self.asr_workers or min(usable_cpus(), MAX_AUTO_WORKERS)

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL in use: the configured one, or SQLite under the data directory."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{(self.data_dir / 'callscribe.db').resolve()}"

    def masked(self) -> dict[str, Any]:
        """The effective settings as plain values, with every secret replaced by ``********``."""
        out: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                out[name] = _mask_url(value.get_secret_value()) if "url" in name else "********"
            elif isinstance(value, Path):
                out[name] = str(value)
            elif isinstance(value, tuple | list):
                out[name] = list(value)
            else:
                out[name] = value
        out["effective_database_url"] = _mask_url(self.sqlalchemy_url)
        return out


def _mask_url(url: str) -> str:
    """Hide the password of ``scheme://user:password@host/...``; keep the rest readable."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user, colon, _password = creds.partition(":")
    return f"{scheme}://{user}{':********' if colon else ''}@{host}"


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings, turning pydantic's errors into a ``ConfigError`` that names the setting."""
    if config_file is not None:
        os.environ[CONFIG_ENV] = str(config_file)
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc


__all__ = ["Settings", "load_settings"]
