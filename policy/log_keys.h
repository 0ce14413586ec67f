/*
 * log_keys.h -- the keys of the transaction log line, from log_keys.def
 *
 * SYNOPSIS
 *	enum log_key { LK_CLIENT, ..., LK_COUNT, LK_CLIENT_NAME, ..., LK_ALL };
 *	const char *const log_key_names[LK_ALL];
 *	const unsigned char log_key_lengths[LK_ALL];
 *	const unsigned char log_key_roles[LK_ALL];
 *	int log_key_find(const char *name, size_t len);
 *
 * DESCRIPTION
 *	LK_0 .. LK_COUNT - 1 are the keys of the log line in the order the
 *	daemon writes them; LK_COUNT + 1 .. LK_ALL - 1 the words of
 *	"milter-tlspolicy -t" that the line does not carry. Names, lengths and
 *	roles (LOG_KEY_FACT, LOG_KEY_RESULT; FACT_KEY words are LOG_KEY_FACT)
 *	are generated from log_keys.def, the one list.
 *
 *	log_key_find() returns the key of a name given by pointer and length
 *	(not NUL-terminated), or -1.
 */
#ifndef LOG_KEYS_H
#define LOG_KEYS_H

#include <stddef.h>
#include <string.h>

#define LOG_KEY_FACT   1 /* a session fact: a word of -t and of the replay */
#define LOG_KEY_RESULT 2 /* what the daemon decided or counted */

enum log_key {
#define LOG_KEY(id, name, role) LK_##id,
#define FACT_KEY(id, name)
#include "log_keys.def"
	LK_COUNT, /* keys of the log line */
#define LOG_KEY(id, name, role)
#define FACT_KEY(id, name) LK_##id,
#include "log_keys.def"
	LK_ALL
};

static const char *const log_key_names[LK_ALL] = {
#define LOG_KEY(id, name, role) [LK_##id] = name,
#define FACT_KEY(id, name)      [LK_##id] = name,
#include "log_keys.def"
};

static const unsigned char log_key_lengths[LK_ALL] = {
#define LOG_KEY(id, name, role) [LK_##id] = sizeof(name) - 1,
#define FACT_KEY(id, name)      [LK_##id] = sizeof(name) - 1,
#include "log_keys.def"
};

static const unsigned char log_key_roles[LK_ALL] = {
#define LOG_KEY(id, name, role) [LK_##id] = role,
#define FACT_KEY(id, name)      [LK_##id] = LOG_KEY_FACT,
#include "log_keys.def"
};

static inline int
log_key_find(const char *name, size_t len)
{
	for (int i = 0; i < LK_ALL; i++)
		if (i != LK_COUNT && log_key_lengths[i] == len &&
		    memcmp(log_key_names[i], name, len) == 0)
			return i;
	return -1;
}

#endif
