"""cdkfix: finds flaws in AWS CDK v2 Python code and rewrites the source into fixed code."""

__version__ = "0.1.0"
