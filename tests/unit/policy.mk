# tests/unit/policy.mk -- CUnit suites for loading and deciding
