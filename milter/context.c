/*
 * context.c -- per-connection and per-transaction state
 *
 * SYNOPSIS
 *	See context.h.
 *
 * DESCRIPTION
 *	Allocation here uses plain malloc() and reports failure, because it
 *	runs inside milter callbacks, which must answer with a tempfail and
 *	never end the process.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "context.h"

static atomic_uint active_connections;

struct conn_ctx *
conn_new(void)
{
	struct conn_ctx *conn = calloc(1, sizeof(*conn));

	if (conn != NULL)
		atomic_fetch_add(&active_connections, 1);
	return conn;
}

void
conn_free(struct conn_ctx *conn)
{
	if (conn == NULL)
		return;
	msg_reset(&conn->msg);
	snapshot_release(conn->snap);
	free(conn);
	atomic_fetch_sub(&active_connections, 1);
}

unsigned
conn_active(void)
{
	return atomic_load(&active_connections);
}

void
ctx_value_set(struct ctx_value *value, const char *text)
{
	size_t len;

	if (text == NULL) {
		value->set = 0;
		value->text[0] = '\0';
		return;
	}
	len = strlen(text);
	if (len > sizeof(value->text) - 1)
		len = sizeof(value->text) - 1;
	memcpy(value->text, text, len);
	value->text[len] = '\0';
	value->set = 1;
}

const char *
ctx_value_get(const struct ctx_value *value)
{
	return value->set ? value->text : NULL;
}

static int
port_number(const char *text)
{
	char *end;
	long v;

	if (text == NULL || *text == '\0')
		return -1;
	v = strtol(text, &end, 10);
	return *end == '\0' && v >= 0 && v <= 65535 ? (int)v : -1;
}

void
conn_facts(const struct conn_ctx *conn, struct session_facts *facts)
{
	facts_init(facts);
	facts_set_tls(facts, ctx_value_get(&conn->tls_version), ctx_value_get(&conn->cipher),
	              ctx_value_get(&conn->bits));
	facts_set_client_addr(facts, ctx_value_get(&conn->client_addr));
	facts_set_verify(facts, ctx_value_get(&conn->verify));
	facts->client_name = ctx_value_get(&conn->client_name);
	facts->helo = ctx_value_get(&conn->helo);
	facts->listener = ctx_value_get(&conn->listener);
	facts->port = port_number(ctx_value_get(&conn->port));
	facts->auth_user = ctx_value_get(&conn->auth_user);
	facts->sender = conn->msg.have_sender ? conn->msg.sender : NULL;
	facts->cert_subject = ctx_value_get(&conn->cert_subject);
	facts->cert_issuer = ctx_value_get(&conn->cert_issuer);
}

static char local_host[256];
static pthread_once_t local_host_once = PTHREAD_ONCE_INIT;

static void
local_host_init(void)
{
	if (gethostname(local_host, sizeof(local_host) - 1) != 0)
		strcpy(local_host, "localhost");
}

const char *
conn_host(const struct conn_ctx *conn)
{
	if (conn->snap != NULL && conn->snap->settings->hostname != NULL)
		return conn->snap->settings->hostname;
	if (conn->host.set && conn->host.text[0] != '\0')
		return conn->host.text;
	pthread_once(&local_host_once, local_host_init);
	return local_host;
}

int
msg_add_rcpt(struct msg_ctx *msg, const char *rcpt, const char *params)
{
	struct rcpt_copy *grown, *r;
	size_t alloc;

	if (msg->rcpt_count == msg->rcpt_alloc) {
		alloc = msg->rcpt_alloc ? 2 * msg->rcpt_alloc : 8;
		if ((grown = realloc(msg->rcpts, alloc * sizeof(*grown))) == NULL)
			return -1;
		msg->rcpts = grown;
		msg->rcpt_alloc = alloc;
	}
	r = &msg->rcpts[msg->rcpt_count];
	if ((r->address = strdup(rcpt)) == NULL)
		return -1;
	if ((r->params = strdup(params != NULL ? params : "")) == NULL) {
		free(r->address);
		return -1;
	}
	msg->rcpt_count++;
	return 0;
}

int
msg_set_subject(struct msg_ctx *msg, const char *subject)
{
	if (msg->have_subject)
		return 0;
	msg->have_subject = 1;
	if ((msg->subject = strdup(subject)) == NULL)
		return -1;
	return 0;
}

void
msg_reset(struct msg_ctx *msg)
{
	size_t i;

	for (i = 0; i < msg->rcpt_count; i++) {
		free(msg->rcpts[i].address);
		free(msg->rcpts[i].params);
	}
	free(msg->rcpts);
	free(msg->subject);
	memset(msg, 0, sizeof(*msg));
}
