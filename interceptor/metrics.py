"""Prometheus metrics: requests, decisions, handler outcomes, latencies, store errors.

Each app owns its registry, so several apps in one process (tests, benchmarks) never collide.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "interceptor_http_requests",
            "HTTP requests by route and status",
            ["route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "interceptor_http_request_seconds",
            "HTTP request latency by route",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.decisions = Counter(
            "interceptor_decisions",
            "Interceptor outcomes: continue or stop, with the gRPC code",
            ["interceptor", "continue", "code"],
            registry=self.registry,
        )
        self.handler_outcomes = Counter(
            "interceptor_handler_outcomes",
            "Event handler block results",
            ["type", "status"],
            registry=self.registry,
        )
        self.store_errors = Counter(
            "interceptor_store_errors",
            "Context store failures by operation",
            ["operation"],
            registry=self.registry,
        )
        self.slack_forwards = Counter(
            "interceptor_slack_forwards",
            "Slack events forwarded to the EventListener, by outcome",
            ["outcome"],
            registry=self.registry,
        )

    def exposition(self) -> bytes:
        """The text exposition format for ``GET /metrics``."""
        return generate_latest(self.registry)
