"""Slack: signature checks, payload decoding, and the asynchronous forwarder behind ``/slack``.

Pure code (no aiohttp.web): the HTTP handlers live in ``interceptor/web/``, the Tekton
interceptor in ``interceptor/interceptors/slack.py``.
"""
