"""Context documents: cicdstatemgr's data model, reads, writes and local files.

Submodules are imported on demand (``interceptor context get`` must stay fast), so this package
re-exports nothing.
"""
