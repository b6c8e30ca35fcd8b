"""``python -m generator``: the same as the ``sdkgen`` command."""

from .cli import main

raise SystemExit(main())
