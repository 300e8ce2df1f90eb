"""crmgraph's one exception tree; each error knows the HTTP status it maps to."""


class CrmGraphError(Exception):
    """Root of every error crmgraph raises on purpose."""

    status = 500
    title = "Internal error"
    # What a client is told of an error of status 500 or more instead of its message: that message is for the
    # operator's log only, as it may carry query text, engine paths or the socket's path.
    public_detail = "an internal error occurred; it has been logged"

    def problem_fields(self) -> dict:
        """Return members that a problem+json rendering of this error adds to `detail`."""
        return {}


class ConfigurationError(CrmGraphError):
    """The settings or the installation do not allow crmgraph to run."""

    title = "Configuration error"


class EngineUnavailable(CrmGraphError):
    """The graph engine cannot be reached or started."""

    status = 503
    title = "Graph engine unavailable"
    public_detail = "the engine is unavailable"


class QueryError(CrmGraphError):
    """The engine refused or failed a query."""

    title = "Query failed"
    public_detail = "the engine failed the request"


class UnknownQuery(CrmGraphError):
    """Code asked for a query file that does not exist."""

    title = "Unknown query"


class InvalidInput(CrmGraphError):
    """A request or a row breaks a rule of the model."""

    status = 422
    title = "Invalid input"


class NotFound(CrmGraphError):
    """The object does not exist, or the caller may not see it."""

    status = 404
    title = "Not found"


class Conflict(CrmGraphError):
    """The change would contradict what is already stored."""

    status = 409
    title = "Conflict"


class Unauthenticated(CrmGraphError):
    """No valid API key came with the request."""

    status = 401
    title = "Unauthenticated"


class Forbidden(CrmGraphError):
    """The caller is known but may not do this."""

    status = 403
    title = "Forbidden"


class LoadInterrupted(CrmGraphError):
    """A load stopped on an error after some of its work; `report` is what it had done so far.

    It answers with the status and title of the error that stopped the load (its `__cause__`).
    """

    def __init__(self, cause: CrmGraphError, report: object):
        super().__init__(str(cause))
        self.status = cause.status
        self.title = cause.title
        self.report = report
