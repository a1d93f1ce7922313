"""Run the ``kmdl`` command as ``python -m kmdl``."""

from kmdl._console import main

raise SystemExit(main())
