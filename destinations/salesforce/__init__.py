"""The Salesforce client: the only code in the project that speaks HTTP to Salesforce's data API.

Everything above it calls typed functions and gets typed results back:
``client.SalesforceClient`` (query, Collections writes, describe, limits),
``errors`` (every answer classified), ``calls.Call`` (the trace of each
request), and the pure modules ``soql`` (values into SOQL) and ``types``
(values into field types).
"""
