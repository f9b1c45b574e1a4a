"""`python -m moneytrail ...` runs the command-line interface (the same as `moneytrail ...`)."""

from moneytrail.cli import main

main()
