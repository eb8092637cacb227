"""Fakes of remote third parties (Slack Web API, EventListener), run as real HTTP servers on loopback."""
