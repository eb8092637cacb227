"""``interceptor emulate``: a local Tekton EventListener built from its YAML manifests.

Modules, one noun each: ``model`` (dataclasses), ``manifests``/``fields`` (YAML loading and
validation), ``resolution`` (interceptor URLs), ``wire`` (the InterceptorRequest bytes, written
with :mod:`interceptor.gojson`), ``payload`` (headers, validation, form conversion), ``chain``
(interceptor chain), ``core_interceptors``, ``webhook``, ``jsonpath``/``bindings``, ``templates``,
``events`` (what happened), ``sink`` (the pipeline), ``options``. The HTTP app is
``interceptor.web.emulator_server``.
"""
