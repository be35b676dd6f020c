"""Helpers shared by the XToolsCRM benchmarks (see bench/README.md).

db           a throwaway Tryton database (SQLite file or PostgreSQL) with
             chosen modules activated by trytond-admin, dropped at the end
organisation a company, a department tree, users and customers in bulk
timing       timers, median/p90 and the result tables
"""
