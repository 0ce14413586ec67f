/*
 * prefilter.c -- a compact summary of each rule for quick rejects (see prefilter.h)
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "prefilter.h"

/* FNV-1a over the lower-cased name; 0 is kept for "no listener test". */
static uint32_t
listener_hash(const char *name)
{
	uint32_t h = 2166136261u;
	unsigned char c;

	for (; (c = (unsigned char)*name) != '\0'; name++) {
		h ^= ascii_lower(c);
		h *= 16777619u;
	}
	return h == 0 ? 1 : h;
}

static int
is_literal(const char *pattern)
{
	return strpbrk(pattern, "*?\\") == NULL;
}

static void
build_client(const struct address_match *a, struct rule_head *head)
{
	uint8_t lo, hi;
	size_t i;

	head->client = HEAD_CLIENT_KEY;
	head->v4_lo = 255;
	head->v4_hi = 0;
	if (a->unknown)
		head->client |= HEAD_CLIENT_UNKNOWN;
	for (i = 0; i <= a->list_count; i++) {
		const struct cidr_set *set = i < a->list_count ? a->lists[i] : a->own;

		if (set == NULL)
			continue;
		if (cidr_set_has_v6(set))
			head->client |= HEAD_CLIENT_V6;
		if (cidr_set_v4_span(set, &lo, &hi)) {
			if (lo < head->v4_lo)
				head->v4_lo = lo;
			if (hi > head->v4_hi)
				head->v4_hi = hi;
		}
	}
}

/*
 * The first string key with exactly one pattern lends the head its literal
 * first and last characters. "client_name: unknown" is left out: it
 * matches an absent name, which the summary shows as no characters.
 */
static void
build_string_key(const struct match *m, struct rule_head *head)
{
	static const struct {
		unsigned key;
		size_t offset;
		enum head_string which;
	} keys[] = {
	    {MK_LISTENER, offsetof(struct match, listener), HS_LISTENER},
	    {MK_HELO, offsetof(struct match, helo), HS_HELO},
	    {MK_CLIENT_NAME, offsetof(struct match, client_name), HS_CLIENT_NAME},
	    {MK_AUTH_USER, offsetof(struct match, auth_user), HS_AUTH_USER},
	};
	const struct pattern_list *list;
	const struct glob_pattern *g;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		list = (const struct pattern_list *)((const char *)m + keys[i].offset);
		if (!(m->keys & keys[i].key) || list->count != 1)
			continue;
		g = &list->items[0];
		if (keys[i].which == HS_CLIENT_NAME && strcasecmp(g->text, "unknown") == 0)
			continue;
		head->string_key = (uint8_t)(keys[i].which + 1);
		if (g->head_len > 0)
			head->string_first = (uint8_t)ascii_lower((unsigned char)g->text[0]);
		if (g->literal)
			head->string_last =
			    (uint8_t)ascii_lower((unsigned char)g->text[strlen(g->text) - 1]);
		else
			head->string_last = g->tail_last;
		return;
	}
}

void
prefilter_build(const struct rule *rule, struct rule_head *head)
{
	const struct match *m = &rule->match;

	memset(head, 0, sizeof(*head));
	head->until_day = rule->until != 0 ? (uint16_t)prefilter_day(rule->until) : 0;
	head->tls_versions = (m->keys & MK_TLS) ? (uint8_t)m->tls_versions : 0xff;
	if ((m->keys & MK_AUTH_USER) || ((m->keys & MK_AUTHENTICATED) && m->authenticated))
		head->auth = HEAD_AUTH_REQUIRED;
	else if (m->keys & MK_AUTHENTICATED)
		head->auth = HEAD_AUTH_FORBIDDEN;
	if ((m->keys & MK_LISTENER) && m->listener.count == 1 &&
	    is_literal(m->listener.items[0].text))
		head->listener_hash = listener_hash(m->listener.items[0].text);
	if ((m->keys & MK_PORT) && m->port_count == 1)
		head->port = (uint16_t)m->ports[0];
	if ((m->keys & MK_CIPHER) && m->cipher_globs.count == 0)
		head->cipher_classes = (uint16_t)m->cipher_classes;
	if (m->keys & MK_CLIENT)
		build_client(&m->client, head);
	build_string_key(m, head);
}

/*
 * Days since 2000-01-01 (civil-from-days, in reverse), for a 2-byte
 * "until" in the head. Dates before 2000 give 1, which has passed.
 */
unsigned
prefilter_day(int yyyymmdd)
{
	int y = yyyymmdd / 10000, m = yyyymmdd / 100 % 100, d = yyyymmdd % 100;
	int era, yoe, doy, doe;

	if (y < 2000)
		return 1;
	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (unsigned)(era * 146097 + doe - 730425 + 1);
}

/* First and last character, lower case; zeros for an absent or empty value. */
static void
summarize_string(const char *text, uint8_t *first, uint8_t *last)
{
	size_t len = text != NULL ? strlen(text) : 0;

	*first = len ? (uint8_t)ascii_lower((unsigned char)text[0]) : 0;
	*last = len ? (uint8_t)ascii_lower((unsigned char)text[len - 1]) : 0;
}

/* Names that mean "no PTR name", as match.c treats them. */
static const char *
real_client_name(const char *name)
{
	if (name == NULL || *name == '\0' || *name == '[' || strcasecmp(name, "unknown") == 0)
		return NULL;
	return name;
}

void
prefilter_summarize(const struct session_facts *f, struct fact_summary *s)
{
	s->tls_bit = (uint8_t)(1u << f->tls);
	s->authenticated = f->auth_user != NULL;
	s->addr_family = f->client_addr.family;
	s->addr_first = f->client_addr.bytes[0];
	s->port = f->port > 0 && f->port < 65536 ? (uint16_t)f->port : 0;
	s->cipher_classes = (uint16_t)f->cipher_classes;
	s->listener_hash = f->listener != NULL ? listener_hash(f->listener) : 0;
	summarize_string(f->listener, &s->first[HS_LISTENER], &s->last[HS_LISTENER]);
	summarize_string(f->helo, &s->first[HS_HELO], &s->last[HS_HELO]);
	summarize_string(real_client_name(f->client_name), &s->first[HS_CLIENT_NAME],
	                 &s->last[HS_CLIENT_NAME]);
	summarize_string(f->auth_user, &s->first[HS_AUTH_USER], &s->last[HS_AUTH_USER]);
}
