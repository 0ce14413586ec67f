/*
 * callbacks.h -- the milter: libmilter description and callbacks
 *
 * SYNOPSIS
 *	int callbacks_register(void);
 *
 * DESCRIPTION
 *	callbacks_register() registers the filter with libmilter
 *	(smfi_register()); it returns 0 or -1.
 */
#ifndef CALLBACKS_H
#define CALLBACKS_H

int callbacks_register(void);

#endif
