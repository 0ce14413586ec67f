/*
 * txn_sample.h -- the transaction of the log line example, for the log line tests
 *
 * SYNOPSIS
 *	#include "txn_sample.h"
 *
 *	static struct decision txn_sample_decision(enum policy_action action);
 *	static struct txn_record txn_sample_record(const struct decision *d);
 *
 * DESCRIPTION
 *	txn_sample_decision() is rule auth-legacy, enforced, with a rollout
 *	that selected the session at 25 %, and the given action.
 *	txn_sample_record() is the transaction of doc/log-format.md's
 *	example (printer7.example.com[192.0.2.7], HELO scan7, AUTH alice,
 *	TLS 1.0, one recipient, reply "421 4.7.66") decided by d. A test
 *	changes the fields it is about. Used by test_milter_text (the
 *	writer alone) and test_report_roundtrip (the writer and the report's
 *	reader).
 */
#ifndef TXN_SAMPLE_H
#define TXN_SAMPLE_H

#include <string.h>

#include "txn_log.h"

static inline struct decision
txn_sample_decision(enum policy_action action)
{
	struct decision d;

	memset(&d, 0, sizeof(d));
	d.rule_name = "auth-legacy";
	d.action = action;
	d.enforced = 1;
	d.has_rollout = 1;
	d.selected = 1;
	d.percent_bp = 2500;
	return d;
}

static inline struct txn_record
txn_sample_record(const struct decision *d)
{
	struct txn_record r = {
	    .queue_id = "4Bq1c2Yz",
	    .client_name = "printer7.example.com",
	    .client_addr = "192.0.2.7",
	    .helo = "scan7",
	    .listener = "smtpd",
	    .port = "587",
	    .auth = "alice",
	    .tls = "TLSv1",
	    .cipher = "ECDHE-RSA-AES256-SHA",
	    .bits = "256",
	    .verify = NULL,
	    .sender = "scan@example.com",
	    .have_sender = 1,
	    .nrcpt = 1,
	    .decision = d,
	    .reply = "421 4.7.66",
	};
	return r;
}

#endif
