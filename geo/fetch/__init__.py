"""Fetch: bring new reports from their publishers into the store, politely.

- ``http``      polite requests: user agent, a cross-process rate limit, timeouts,
                retries with backoff (Retry-After honoured), conditional requests,
                redirects, robots.txt
- ``raw``       the raw-page folder: each page as fetched, with its URL, fetch time and
                validators; the lock that keeps two runs of one source apart
- ``sources``   one module per publisher's series behind one interface, and their registry
- ``pages``     fetch one date / a range of dates into the raw folder (``frontline fetch``)
- ``update``    fetch -> extract -> ingest with resume (``frontline update``, the app's
                "Update now"), and the "Latest report" line

Nothing here runs unless a user asks for it (a command, or the app's button
that the operator turned on with ``FRONTLINE_ALLOW_UPDATE``).
"""
