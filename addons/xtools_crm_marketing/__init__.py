# XToolsCRM marketing (SPEC M1): campaigns (市场活动) with their budget,
# expected and actual effect, and their ads, printed matter and gifts.
# Registration lives in tryton.cfg (Tryton 8.0 style).
