# tests/unit/primitives.mk -- CUnit suites for the policy primitives
