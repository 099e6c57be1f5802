"""``python -m neos_swift.cli ARGS``: runs pyhf's command line on neos_swift."""

from neos_swift.cli.cli import main

if __name__ == "__main__":
    main()
