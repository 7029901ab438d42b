"""``python -m geo`` is the same as the ``frontline`` command."""

from geo.cli import main

raise SystemExit(main())
