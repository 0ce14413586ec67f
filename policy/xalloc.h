/*
 * xalloc.h -- allocation that succeeds or ends the process
 *
 * SYNOPSIS
 *	void *xmalloc(size_t n);
 *	void *xcalloc(size_t count, size_t n);
 *	void *xrealloc(void *p, size_t n);
 *	char *xstrdup(const char *s);
 *	char *xstrndup(const char *s, size_t n);
 *
 * DESCRIPTION
 *	As in Postfix's mymalloc(): callers never check for NULL. On failure
 *	the process reports "out of memory" through msg_fatal() (msg.h: in the
 *	daemon to syslog, in the tools on stderr, with the program's name) and
 *	exits with status 2, since a daemon that
 *	cannot allocate cannot do anything useful; the MTA's milter timeout
 *	and default action take over. Only used at load time, never on the
 *	decision path.
 */
#ifndef XALLOC_H
#define XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
