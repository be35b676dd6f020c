# XToolsCRM customer service (SPEC V): the service console, service
# records, complaints, the QA knowledge base and repair tickets.
# Registration lives in tryton.cfg (Tryton 8.0 style).
