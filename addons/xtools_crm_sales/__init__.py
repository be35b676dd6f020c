# XToolsCRM sales: opportunities, contracts and orders on top of Tryton's
# sale, sale_opportunity and sale_price_list modules.
# Registration lives in tryton.cfg (Tryton 8.0 style).
