"""S3 helpers shared by the bucket rules (CDK-B1, CDK-B2). Not a rule."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout

# A bucket served as a static website: S3 website endpoints speak HTTP only, so
# `enforce_ssl=True` (a bucket policy denying aws:SecureTransport=false) answers every
# website request with 403.
WEBSITE_KEYWORDS = ("website_index_document", "website_error_document", "website_redirect", "website_routing_rules")


def is_website_bucket(call: cst.Call) -> bool:
    """True when the `s3.Bucket(...)` call configures website hosting or public read access
    (anything but a literal `public_read_access=False`)."""
    if any(layout.keyword_arg(call, name) is not None for name in WEBSITE_KEYWORDS):
        return True
    public = layout.keyword_arg(call, "public_read_access")
    return public is not None and not (isinstance(public.value, cst.Name) and public.value.value == "False")
