"""``make demo``: the whole release flow of examples/tekton on one machine, no cluster or network.

A fake Slack, the service (``interceptor serve``) and the EventListener emulator
(``interceptor emulate``) run as local processes; the demo pushes a signed tag, runs the Task
steps' CLI commands the way the PipelineRuns would, clicks the Slack buttons, and prints a
timeline. See examples/demo/README.md.
"""
