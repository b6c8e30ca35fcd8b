"""sdkgen: typed SDKs from OpenAPI specs, reproducible byte for byte."""

__version__ = "0.1.0"
