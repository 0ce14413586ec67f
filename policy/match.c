/*
 * match.c -- does a compiled match hold for a session? (match_holds)
 *
 * DESCRIPTION
 *	match_holds() returns 1 when every key the rule gave holds for the
 *	facts, leaving out the keys in skip_keys (the decision uses that to
 *	ask whether a recipient rule could hold once the recipient is known).
 *	Within a key, any one value is enough. A fact the MTA did not report
 *	matches no pattern of its key ("cert_verified" neither true nor false
 *	when the MTA sends no {verify}), with these exceptions: "tls: none"
 *	matches plaintext, "client: unknown" matches a missing or unparsable
 *	address, "client_name: unknown" a missing PTR name (Postfix sends
 *	"unknown", Sendmail "[ADDR]"), and "sender: <>" the null sender.
 *	Pure: no allocation, no writes.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "compiled.h"
#include "glob.h"

/*
 * Most patterns fail on their literal head or tail ("*.printers.example"
 * against "mail.example.org"): test those before running the matcher.
 */
static int
glob_holds(const struct glob_pattern *g, const char *text, size_t len)
{
	if (g->literal)
		return strcasecmp(g->text, text) == 0;
	if ((size_t)g->head_len + g->tail_len > len)
		return 0;
	if (g->tail_len > 0 && g->tail_last != tolower((unsigned char)text[len - 1]))
		return 0;
	if (strncasecmp(g->text, text, g->head_len) != 0 ||
	    strcasecmp(g->tail, text + len - g->tail_len) != 0)
		return 0;
	return glob_match(g->text, text);
}

static int
any_glob(const struct pattern_list *list, const char *text)
{
	size_t i, len;

	if (text == NULL)
		return 0;
	len = strlen(text);
	for (i = 0; i < list->count; i++)
		if (glob_holds(&list->items[i], text, len))
			return 1;
	return 0;
}

static int
address_holds(const struct address_match *a, const struct session_facts *f)
{
	size_t i;

	if (f->client_addr.family == 0)
		return a->unknown;
	if (a->own != NULL && cidr_set_contains(a->own, &f->client_addr))
		return 1;
	for (i = 0; i < a->list_count; i++)
		if (cidr_set_contains(a->lists[i], &f->client_addr))
			return 1;
	return 0;
}

/* No PTR name: Postfix says "unknown", Sendmail "[192.0.2.7]". */
static int
client_name_holds(const struct pattern_list *list, const char *name)
{
	size_t i;

	if (name == NULL || *name == '\0' || *name == '[' || strcasecmp(name, "unknown") == 0) {
		for (i = 0; i < list->count; i++)
			if (strcasecmp(list->items[i].text, "unknown") == 0)
				return 1;
		return 0;
	}
	return any_glob(list, name);
}

/* "@domain-glob" matches the part after the last "@"; "<>" the null sender. */
static int
address_glob_holds(const struct pattern_list *list, const char *address)
{
	const char *at, *p;
	size_t i;

	if (address == NULL)
		return 0;
	at = strrchr(address, '@');
	for (i = 0; i < list->count; i++) {
		p = list->items[i].text;
		if (strcmp(p, "<>") == 0) {
			if (*address == '\0')
				return 1;
		} else if (*p == '@') {
			if (at != NULL && glob_match(p + 1, at + 1))
				return 1;
		} else if (glob_match(p, address))
			return 1;
	}
	return 0;
}

static int
cipher_holds(const struct match *m, const struct session_facts *f)
{
	if (f->cipher == NULL)
		return 0;
	return (m->cipher_classes & f->cipher_classes) != 0 || any_glob(&m->cipher_globs, f->cipher);
}

static int
bits_hold(const struct match *m, int bits)
{
	if (bits < 0)
		return 0;
	switch (m->bits_op) {
	case CMP_LT:
		return bits < m->bits_value;
	case CMP_LE:
		return bits <= m->bits_value;
	case CMP_GT:
		return bits > m->bits_value;
	case CMP_GE:
		return bits >= m->bits_value;
	case CMP_EQ:
		return bits == m->bits_value;
	case CMP_NE:
		return bits != m->bits_value;
	}
	return 0;
}

static int
port_holds(const struct match *m, int port)
{
	size_t i;

	for (i = 0; i < m->port_count; i++)
		if (m->ports[i] == port)
			return 1;
	return 0;
}

/* Cheap scalar tests first, then patterns and prefix trees. */
int
match_holds(const struct match *m, const struct session_facts *f, unsigned skip_keys)
{
	unsigned keys = m->keys & ~skip_keys;

	if ((keys & MK_TLS) && !(m->tls_versions & (1u << f->tls)))
		return 0;
	if ((keys & MK_AUTHENTICATED) && m->authenticated != (f->auth_user != NULL))
		return 0;
	if ((keys & MK_PORT) && !port_holds(m, f->port))
		return 0;
	if ((keys & MK_CIPHER_BITS) && !bits_hold(m, f->cipher_bits))
		return 0;
	if ((keys & MK_CERT_VERIFIED) &&
	    (f->cert_verified < 0 || m->cert_verified != (f->cert_verified == 1)))
		return 0;
	if ((keys & MK_CIPHER) && !cipher_holds(m, f))
		return 0;
	if ((keys & MK_LISTENER) && !any_glob(&m->listener, f->listener))
		return 0;
	if ((keys & MK_CLIENT) && !address_holds(&m->client, f))
		return 0;
	if ((keys & MK_CLIENT_NAME) && !client_name_holds(&m->client_name, f->client_name))
		return 0;
	if ((keys & MK_HELO) && !any_glob(&m->helo, f->helo))
		return 0;
	if ((keys & MK_AUTH_USER) && !any_glob(&m->auth_user, f->auth_user))
		return 0;
	if ((keys & MK_SENDER) && !address_glob_holds(&m->sender, f->sender))
		return 0;
	if ((keys & MK_RECIPIENT) && !address_glob_holds(&m->recipient, f->recipient))
		return 0;
	if ((keys & MK_CERT_SUBJECT) && !any_glob(&m->cert_subject, f->cert_subject))
		return 0;
	if ((keys & MK_CERT_ISSUER) && !any_glob(&m->cert_issuer, f->cert_issuer))
		return 0;
	return 1;
}
