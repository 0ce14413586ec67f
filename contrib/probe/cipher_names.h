/*
 * NAME
 *	cipher_names.h -- IANA TLS cipher suite names to OpenSSL names
 *
 * SYNOPSIS
 *	#include "cipher_names.h"
 *
 *	const char *cipher_openssl_name(const char *iana);
 *
 * DESCRIPTION
 *	See cipher_names.c.
 */
#ifndef CIPHER_NAMES_H
#define CIPHER_NAMES_H

const char *cipher_openssl_name(const char *iana);

#endif
