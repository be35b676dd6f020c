# XToolsCRM products and stock: the product catalogue and the stock keeper's
# work on top of Tryton's product, stock, purchase and production modules.
# Registration lives in tryton.cfg (Tryton 8.0 style).
