"""Fetch: bring new reports from their publishers into the store, politely.

- ``http``      polite requests: user agent, a cross-process rate limit, timeouts,
                retries with backoff (Retry-After honoured), conditional requests,
                redirects, robots.txt
- ``raw``       the raw-page folder: each page as fetched, with its URL, fetch time and
                validators; the lock that keeps two runs of one source apart
- ``sources``   one module per publisher's series behind one interface, and their registry
- ``download``  fetch the report of one date into the raw folder and read it back as a page
- ``update``    a run over a range of dates: fetch -> extract -> ingest with resume and
                a lock (``frontline fetch``/``update``, the app's "Update now"), its
                summary, and the "Latest report" line

Reading a page (body, title, date, canonical address) is :mod:`geo.parse.pages`.

Nothing here runs unless a user asks for it (a command, or the app's button
that the operator turned on with ``FRONTLINE_ALLOW_UPDATE``).
"""
