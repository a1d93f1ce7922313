"""Run the ``kmdl`` command as ``python -m kmdl``."""

from kmdl.cli import main

raise SystemExit(main())
