"""Why a publish refused to go ahead. Every error names the table and column it is about."""


class PublishError(Exception):
    """A publish failed; the previously published file is untouched."""


class SpecError(PublishError):
    """The publication spec is malformed."""


class ContractError(PublishError):
    """A table's columns or types differ from the BI contract in the spec."""


class ValidationError(PublishError):
    """The freshly built file does not match the spec or the source."""


class PersonalDataError(PublishError):
    """A text column of the new file carries personal data."""
