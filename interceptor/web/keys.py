"""Typed application keys: the only way handlers reach the app's shared objects."""

from __future__ import annotations

from aiohttp import web

from interceptor.interceptors.base import Interceptor
from interceptor.metrics import Metrics
from interceptor.services import Services
from interceptor.slack.forwarder import Forwarder
from interceptor.web.slack_request_url import SlackRequestUrl
from interceptor.web.slack_webhook import SlackWebhook

METRICS = web.AppKey("metrics", Metrics)
SERVICES = web.AppKey("services", Services)
INTERCEPTORS = web.AppKey("interceptors", dict[str, Interceptor])
FORWARDER = web.AppKey("forwarder", Forwarder)
SLACK_REQUEST_URL = web.AppKey("slack_request_url", SlackRequestUrl)
SLACK_WEBHOOK = web.AppKey("slack_webhook", SlackWebhook)
