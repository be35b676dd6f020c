"""Paths of xtools_crm_marketing: none of its own.

Campaigns (marketing.campaign, Tryton's model with our fields), their
materials and their links to customers and contacts are changed only by
the ordinary create, write and delete, which Tryton checks against the
access rights (the marketing role writes, everybody else reads) and the
company rule; the materials and links follow their campaign
(``__access__``). The module adds no button, wizard or RPC method, and
reads no context key but Tryton's ``company`` (the default company of a
new campaign, declared by xtools_crm_base)."""

CASES = []
