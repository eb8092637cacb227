"""``python -m examples.demo``: see :mod:`examples.demo.run`."""

from examples.demo.run import main

raise SystemExit(main())
