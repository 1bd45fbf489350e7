"""Allow `python -m policyparse`."""

from policyparse.cli import main

if __name__ == "__main__":
    main()
