"""Project tools run from the Makefile (bundles, generated data files); not shipped to Lambda."""
