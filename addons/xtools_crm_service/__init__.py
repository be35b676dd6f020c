# XToolsCRM customer service: service records now; the service console,
# complaints, QA knowledge base and repair tickets grow here (SPEC V).
# Registration lives in tryton.cfg (Tryton 8.0 style).
