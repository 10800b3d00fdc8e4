"""Outputs built from fix records only, so every format says the same thing."""
