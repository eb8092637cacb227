"""CEL on cel-python with Tekton's environment: ``CelEnvironment``, ``CelError``, ``Activation``."""

from interceptor.cel.activation import Activation
from interceptor.cel.environment import CelEnvironment, Program
from interceptor.cel.errors import CelError

__all__ = ["Activation", "CelEnvironment", "CelError", "Program"]
