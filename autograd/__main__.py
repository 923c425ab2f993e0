"""python -m autograd explain ...: see autograd.presentation.cli."""

from .presentation.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
