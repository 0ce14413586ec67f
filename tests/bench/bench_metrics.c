/*
 * NAME
 *	bench_metrics -- what counting for -M costs per transaction
 *
 * SYNOPSIS
 *	tests/bench/bench_metrics [ITERATIONS]
 *
 * DESCRIPTION
 *	Times, in nanoseconds per call: txn_log_format() of a typical line
 *	(the work every transaction does anyway), metrics_count_transaction()
 *	of that line with counting off (no -M) and on, the same from 1, 2 and
 *	4 threads on one series (the worst case for the shared counter's
 *	cache line), and one metrics_render() with 500 series (a scrape).
 *	Built by "make bench"; never run by "make check".
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics.h"
#include "txn_log.h"

static long iterations = 2000000;
static char line[TXN_LOG_LINE_MAX];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
count_loop(void *unused)
{
	long i;

	for (i = 0; i < iterations; i++)
		metrics_count_transaction(line);
	return NULL;
}

static void
threads(int n)
{
	pthread_t t[8];
	double t0 = now();
	int i;

	for (i = 0; i < n; i++)
		pthread_create(&t[i], NULL, count_loop, NULL);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("metrics_count_transaction, %d thread%s:  %6.1f ns per call (wall %.2f s)\n", n,
	       n == 1 ? " " : "s", (now() - t0) * 1e9 / iterations, now() - t0);
}

int
main(int argc, char **argv)
{
	struct decision d;
	struct txn_record r;
	char extra[128], *text;
	double t0;
	size_t len;
	long i;

	if (argc > 1)
		iterations = atol(argv[1]);
	memset(&d, 0, sizeof(d));
	d.rule_name = "mx-legacy";
	d.action = ACTION_TAG;
	d.enforced = 1;
	memset(&r, 0, sizeof(r));
	r.queue_id = "4Bq1c2Yz3xQ";
	r.client_name = "printer7.example.com";
	r.client_addr = "192.0.2.7";
	r.helo = "scan7.example.com";
	r.listener = "smtpd";
	r.port = "25";
	r.tls = "TLSv1";
	r.cipher = "ECDHE-RSA-AES256-SHA";
	r.bits = "256";
	r.sender = "scanner@example.com";
	r.have_sender = 1;
	r.nrcpt = 1;
	r.decision = &d;

	t0 = now();
	for (i = 0; i < iterations; i++)
		txn_log_format(line, sizeof(line), &r);
	printf("txn_log_format (for comparison):          %6.1f ns per call\n",
	       (now() - t0) * 1e9 / iterations);
	t0 = now();
	for (i = 0; i < iterations; i++)
		metrics_count_transaction(line);
	printf("metrics_count_transaction, no -M:         %6.1f ns per call\n",
	       (now() - t0) * 1e9 / iterations);
	metrics_enable();
	threads(1);
	threads(2);
	threads(4);
	for (i = 0; i < 500; i++) {
		snprintf(extra, sizeof(extra),
		         "Q: listener=l%ld tls=TLSv1 rule=r%ld action=tag mode=enforce", i % 8, i);
		metrics_count_transaction(extra);
	}
	t0 = now();
	for (i = 0; i < 200; i++) {
		text = metrics_render(NULL, 20260101, 0, &len);
		free(text);
	}
	printf("metrics_render, 500 series:               %6.1f us per scrape (%zu bytes)\n",
	       (now() - t0) * 1e6 / 200, len);
	return 0;
}
