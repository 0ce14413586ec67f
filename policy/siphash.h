/*
 * siphash.h -- SipHash-2-4, a keyed 64-bit hash
 *
 * SYNOPSIS
 *	uint64_t siphash24(const uint8_t key[16], const void *data, size_t len);
 *
 * DESCRIPTION
 *	SipHash-2-4 (Aumasson and Bernstein, 2012). Used for per-client rollout
 *	selection: keyed with the policy's sticky_secret, so that every MX
 *	host with the same secret selects the same clients, and nobody
 *	without the secret can pick an address that escapes a rollout.
 */
#ifndef SIPHASH_H
#define SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t siphash24(const uint8_t key[16], const void *data, size_t len);

#endif
