"""The one place where crmgraph reads its configuration."""

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.schema.properties import is_key


class Backend(StrEnum):
    """The graph engines crmgraph can run on."""

    FALKORDB = "falkordb"
    NEO4J = "neo4j"


class Inheritance(StrEnum):
    """Whether seeing an organisation through a territory also shows its `PARENT_OF` descendants."""

    DOWN = "down"
    NONE = "none"


class Settings(BaseSettings):
    """crmgraph's settings, read from `CRMGRAPH_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="CRMGRAPH_", extra="ignore")

    backend: Backend = Field(
        Backend.FALKORDB,
        description="Which engine stores the graph: `falkordb` (embedded, default) or `neo4j`.",
    )
    data_dir: Path = Field(
        Path("data"),
        description="Directory of the embedded engine: its data files, Unix socket, pid file and log.",
    )
    falkordb_graph: str = Field(
        "crmgraph",
        description="Name of the graph inside the embedded FalkorDB server.",
    )
    query_timeout_ms: int = Field(
        60_000,
        ge=100,
        description="Longest a single query may run on the embedded engine before it is aborted, in milliseconds.",
    )
    shutdown_timeout_s: float = Field(
        5.0,
        ge=0,
        description="Seconds `crmgraph serve` lets running requests finish on SIGTERM or SIGINT, then cancels them.",
    )
    currency: str = Field(
        "EUR",
        pattern=r"^[A-Z]{3}$",
        description="The reporting currency (ISO 4217) of every amount: revenue answers name it.",
    )
    opportunity_stages: list[str] = Field(
        ["qualification", "analysis", "proposal", "negotiation", "commitment"],
        min_length=1,
        description="The stages of an open opportunity, in their order: a JSON list, e.g. "
        '`["lead", "offer", "order"]`. Loads refuse any other stage; the pipeline lists them in this order.',
    )
    abc_a_percent: float = Field(
        80.0,
        gt=0,
        le=100,
        description="ABC classes of groups: A are the groups that together make the first this many percent.",
    )
    abc_b_percent: float = Field(
        15.0,
        ge=0,
        le=100,
        description="ABC classes of groups: B are the groups that make the next this many percent; C the rest.",
    )
    visibility_inherit: Inheritance = Field(
        Inheritance.DOWN,
        description="`down`: who sees an organisation through a territory also sees its descendants; `none`: not.",
    )
    max_import_bytes: int = Field(
        100 * 1024 * 1024,
        ge=1,
        description="Largest body `POST /v1/imports/*` and `POST /v1/territories/preview` take, in bytes; "
        "a larger one answers 413 (load big files with `crmgraph load`).",
    )
    neo4j_uri: str | None = Field(
        None,
        description="Neo4j address: `bolt://host:7687`, `neo4j://host:7687` (cluster routing) or `neo4j+s://…` (Aura).",
    )
    neo4j_user: str = Field("neo4j", description="Neo4j user name.")
    neo4j_password: SecretStr = Field(SecretStr(""), description="Neo4j password.")
    neo4j_database: str = Field("neo4j", description="Neo4j database that holds the graph.")

    @model_validator(mode="after")
    def _stages_distinct_keys(self) -> "Settings":
        for stage in self.opportunity_stages:
            if not is_key(stage):
                raise ValueError(f"opportunity stage {stage!r} is not a key: letters, digits and ._:/@+- only")
        if len(set(self.opportunity_stages)) != len(self.opportunity_stages):
            raise ValueError(f"opportunity_stages names a stage twice: {self.opportunity_stages}")
        return self

    @model_validator(mode="after")
    def _abc_classes_fit(self) -> "Settings":
        if self.abc_a_percent + self.abc_b_percent > 100:
            raise ValueError(
                f"abc_a_percent + abc_b_percent is {self.abc_a_percent + self.abc_b_percent:g}, more than 100"
            )
        return self

    @property
    def falkordb_socket(self) -> Path:
        """Return the Unix socket the embedded engine listens on."""
        return self.data_dir.resolve() / "falkordb.sock"


@lru_cache
def get_settings() -> Settings:
    """Return the settings of this process, read once from the environment."""
    return Settings()
