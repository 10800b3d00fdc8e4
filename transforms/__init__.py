"""cdkfix's rules, one module a rule. Installed as `cdkfix.transforms`."""
