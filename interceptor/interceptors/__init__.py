"""Tekton interceptors: one small module each behind :class:`Interceptor`, listed in ``registry``."""
