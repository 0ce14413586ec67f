/*
 * when.c -- the date and random draw a decision is made with
 *
 * SYNOPSIS
 *	See when.h.
 *
 * DESCRIPTION
 *	The generator only feeds per-transaction rollout draws; it needs to
 *	be uniform and cheap, not cryptographic. Per-client selection uses
 *	the policy's keyed hash instead and does not depend on it.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "civil_date.h"
#include "when.h"

static _Thread_local uint64_t rng_state;

static void
rng_seed(void)
{
	struct timespec ts;

	if (getrandom(&rng_state, sizeof(rng_state), GRND_NONBLOCK) != sizeof(rng_state)) {
		/* No entropy yet (early boot): mix time and thread-local address. */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		rng_state = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^
		            (uint64_t)(uintptr_t)&rng_state ^ (uint64_t)getpid();
	}
	if (rng_state == 0)
		rng_state = 0x9e3779b97f4a7c15u;
}

/* xorshift64*: Vigna, "An experimental exploration of Marsaglia's xorshift generators". */
static uint32_t
rng_next(void)
{
	if (rng_state == 0)
		rng_seed();
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1du) >> 32);
}

void
when_now(struct decide_context *when)
{
	when->today = civil_date_today();
	when->random = rng_next();
}

int
when_parse_date(const char *text, int *yyyymmdd)
{
	char dashed[11];

	/* "YYYYMMDD" is read as "YYYY-MM-DD". */
	if (strlen(text) == 8 && strspn(text, "0123456789") == 8) {
		snprintf(dashed, sizeof(dashed), "%.4s-%.2s-%.2s", text, text + 4, text + 6);
		text = dashed;
	}
	return civil_date_parse(text, yyyymmdd);
}
