"""A faster execution path for hot query documents, answering exactly as graphql-core does."""

from resolvers.execution.executor import PlannedExecutor

__all__ = ["PlannedExecutor"]
