"""``python -m analysis``: see :mod:`analysis.cli`."""

if __name__ == "__main__":
    from analysis.cli import main

    raise SystemExit(main())
