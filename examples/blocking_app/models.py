"""The twin stores the same rows as the reference app, so it reuses its models and schema.

The misuse under test is in the twin's own endpoints, not in the table definitions.
"""

from examples.reference_app.models import Base, Item

__all__ = ["Base", "Item"]
