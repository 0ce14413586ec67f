# contrib/report/local.mk -- (filled in by its component)
