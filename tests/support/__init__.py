"""What the cross-module tests in tests/ use besides their fixtures
(tests/conftest.py holds the fixtures, and only them):

    env        folders, environment variables and the admin's and the demo
               boss's logins (ROOT, ADMIN, BOSS, artifacts_dir …)
    rpc        the JSON-RPC client of a logged-in user (RPCClient), the
               errors it raises (RPCAccessError, RPCUserError …), raw
               calls (post_jsonrpc) and the Basic/Session authorizations
    server     a real `trytond` on a SQLite database (TrytonServer) and its
               generated configuration (write_config)
    demo_db    the demo database: built by scripts/demo_db.py, cached
               under $DB_CACHE by the hash of its sources, copied safely
    browser    Debian's Chromium driven by playwright (new_page)
    sao        steps in sao as a user takes them: log in, open a menu,
               find a field, a dialog, a notebook page …
    postgres   a throwaway PostgreSQL database with its own trytond and a
               small thread-friendly client, for tests of requests that
               meet at the same moment (tests/test_pool_concurrency.py)

Test files import what they need by name:

    from support.rpc import RPCAccessError, RPCUserError
    from support.sao import open_menu, sao_login
"""
