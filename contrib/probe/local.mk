# contrib/probe/local.mk -- (filled in by its component)
