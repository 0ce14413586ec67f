/*
 * listen_socket.h -- what libmilter leaves undone on the listening socket
 *
 * SYNOPSIS
 *	int listen_socket_setup(const char *spec, unsigned mode, const struct run_as *owner,
 *	    char *err, size_t errlen);
 *
 * DESCRIPTION
 *	Call after smfi_opensocket(). For a unix socket ("unix:/path",
 *	"local:/path" or "/path") it sets the mode (-m) and, when privileges
 *	will be dropped, the owner (-u), so that the MTA's user can connect.
 *	For TCP it sets TCP_NODELAY on the listening descriptor (found by
 *	scanning for a listening inet socket, as libmilter does not expose
 *	it); on Linux accepted sockets inherit it, which saves the Nagle and
 *	delayed-ACK wait on the end-of-message round trip. owner may be NULL.
 *	It returns 0, or -1 with a message in err.
 */
#ifndef LISTEN_SOCKET_H
#define LISTEN_SOCKET_H

#include <stddef.h>

#include "process.h"

int listen_socket_setup(const char *spec, unsigned mode, const struct run_as *owner, char *err,
                        size_t errlen);

#endif
