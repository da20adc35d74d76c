"""Errors that reach the user as one clear line (the CLI prints `error: <message>`)."""


class BitextError(Exception):
    """Base class: the message is shown to the user as is, on one line."""


class InputError(BitextError):
    """A file or text the user gave cannot be used (empty, binary, wrong encoding, too big...)."""


class ProjectError(BitextError):
    """A project folder or database is missing, corrupt or not a bitext project."""


class ConflictError(BitextError):
    """A save was based on a stale version: someone else changed the sentence first."""

    def __init__(self, message: str, *, current_text: str = "", current_version: int = 0,
                 attempted_text: str = ""):
        super().__init__(message)
        self.current_text = current_text
        self.current_version = current_version
        self.attempted_text = attempted_text


class ModelNotFoundError(BitextError):
    """A translation or embedding model is not on disk; the message names the command to fetch it."""
