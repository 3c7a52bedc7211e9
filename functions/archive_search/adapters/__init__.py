"""Adapters: the only modules that import boto3 or opensearch-py.

Clients are created once per execution environment behind cached factories and
passed into the logic, so the same logic runs in Lambda, the local stack and tests.
"""
