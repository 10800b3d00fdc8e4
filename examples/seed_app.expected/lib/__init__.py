"""Stacks for the containerized CI/CD pipeline application."""
