"""Tekton ClusterInterceptor and Slack request URL with shared, cicdstatemgr-compatible context data."""

__version__ = "0.1.0"
