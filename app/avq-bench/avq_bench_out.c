/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * The result: one plain-text table headed by the machine and the command
 * line, and the same rows as JSON. The program reports; it does not judge
 * (targets are named in the ratio rows, never checked).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_lcore.h>

#include "avq_bench.h"

#ifndef AVQ_BENCH_BUILDTYPE
#define AVQ_BENCH_BUILDTYPE "unknown"
#endif

#define MAX_ROWS 128

static struct bench_row rows[MAX_ROWS];
static unsigned int num_rows;
static struct bench_row overflow;

struct bench_row *
bench_row_add(const char *sec, const char *key, const char *name)
{
	struct bench_row *r;

	/* A full table keeps running into a scratch row: a report with a
	 * missing row beats no report, but the row is named and the run
	 * counts an error (session 9 lost the idle-CPU ratios this way,
	 * silently). */
	if (num_rows < MAX_ROWS) {
		r = &rows[num_rows++];
	} else {
		fprintf(stderr, "avq-bench: more than %u rows: %s not reported\n",
			MAX_ROWS, key);
		bench_errors++;
		r = &overflow;
	}
	memset(r, 0, sizeof(*r));
	snprintf(r->sec, sizeof(r->sec), "%s", sec);
	snprintf(r->key, sizeof(r->key), "%s", key);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->count = -1;
	r->time_ms = -1;
	r->rate = -1;
	r->p50 = -1;
	r->p99 = -1;
	r->p999 = -1;
	r->value = -1;
	return r;
}

/* Rows in section order (sections were measured in another order: one
 * device instance per idle strategy). */
static const char * const sections[] = { "ref", "a", "b", "c", "d", "e",
	"ratio" };

static unsigned int
rows_ordered(const struct bench_row **out)
{
	unsigned int i, k, n = 0;

	for (k = 0; k < RTE_DIM(sections); k++)
		for (i = 0; i < num_rows; i++)
			if (strcmp(rows[i].sec, sections[k]) == 0)
				out[n++] = &rows[i];
	return n;
}

struct bench_row *
bench_row_find(const char *key)
{
	unsigned int i;

	for (i = 0; i < num_rows; i++)
		if (strcmp(rows[i].key, key) == 0)
			return &rows[i];
	return NULL;
}

/* ---- Machine ---- */

/* Steal and all CPU ticks of the machine (/proc/stat) when the run began. */
static uint64_t steal0, ticks0;
static bool steal_ok;

/* All CPUs' steal ticks and total ticks so far; false if unreadable. */
static bool
stat_ticks(uint64_t *steal, uint64_t *all)
{
	uint64_t v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	int n, i;

	if (f == NULL)
		return false;
	/* user nice system idle iowait irq softirq steal (guest time is
	 * counted in user already). */
	n = fscanf(f, "cpu %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
		   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64, &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 4)
		return false;
	*steal = v[7];
	*all = 0;
	for (i = 0; i < 8; i++)
		*all += v[i];
	return true;
}

void
bench_steal_mark(void)
{
	steal_ok = stat_ticks(&steal0, &ticks0);
}

/* The share of the machine's CPU time the hypervisor gave to other guests
 * since bench_steal_mark(), or -1. */
static double
steal_share(void)
{
	uint64_t st, all;

	if (!steal_ok || !stat_ticks(&st, &all) || all <= ticks0)
		return -1;
	return (double)(st - steal0) / (double)(all - ticks0);
}

struct machine {
	char model[128];
	long nproc;
	char kernel[4 * sizeof(((struct utsname *)0)->release) + 8];
	char date[64];
	char load[64];
	double steal;
};

static void
machine_get(struct machine *m)
{
	struct utsname u;
	char line[512], *p;
	struct tm tm;
	time_t now;
	FILE *f;

	snprintf(m->model, sizeof(m->model), "unknown");
	f = fopen("/proc/cpuinfo", "r");
	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			if (strncmp(line, "model name", 10) != 0)
				continue;
			p = strchr(line, ':');
			if (p == NULL)
				break;
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			p[strcspn(p, "\n")] = '\0';
			snprintf(m->model, sizeof(m->model), "%s", p);
			break;
		}
		fclose(f);
	}
	m->nproc = sysconf(_SC_NPROCESSORS_ONLN);
	if (uname(&u) == 0)
		snprintf(m->kernel, sizeof(m->kernel), "%s %s %s %s",
			 u.sysname, u.release, u.version, u.machine);
	else
		snprintf(m->kernel, sizeof(m->kernel), "unknown");
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(m->date, sizeof(m->date), "%Y-%m-%d %H:%M:%S %z", &tm);
	/* Other work on the cores shows up as outliers: say how busy the
	 * machine was (load averages, runnable/total tasks). */
	m->steal = steal_share();
	snprintf(m->load, sizeof(m->load), "unknown");
	f = fopen("/proc/loadavg", "r");
	if (f != NULL) {
		if (fgets(line, sizeof(m->load), f) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			p = strrchr(line, ' ');
			if (p != NULL)
				*p = '\0';	/* drop the last pid */
			memcpy(m->load, line, sizeof(m->load));
			m->load[sizeof(m->load) - 1] = '\0';
		}
		fclose(f);
	}
}

/* ---- Text ---- */

static const char *
num(char *buf, size_t len, double v, int prec)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.*f", prec, v);
	return buf;
}

void
bench_rows_print(const char *cmdline)
{
	const struct bench_row *ord[MAX_ROWS];
	char c[5][24], t[24], rt[24];
	struct machine m;
	unsigned int i, n;

	machine_get(&m);
	printf("avq-bench: admin virtqueue costs\n");
	printf("machine : %s, nproc %ld\n", m.model, m.nproc);
	printf("kernel  : %s\n", m.kernel);
	printf("date    : %s\n", m.date);
	printf("load    : %s (/proc/loadavg at the end of the run)\n", m.load);
	if (m.steal >= 0)
		printf("steal   : %.1f%% of the machine's CPU time went to other "
		       "guests during the run (/proc/stat)\n", 100 * m.steal);
	printf("command : %s\n", cmdline);
	printf("build   : %s; TSC %.3f GHz; %s run\n", AVQ_BENCH_BUILDTYPE,
	       (double)rte_get_tsc_hz() / 1e9,
	       bench_opt->quick ? "quick" : "full");
	printf("setup   : device thread pinned to cpu %d, submitter lcore %u "
	       "(cpu %d); engine on %u AQ(s) of %u entries%s; command "
	       "FEAT_DEVICE_GET over %u managed devices\n",
	       rte_lcore_to_cpu_id(bench_worker_lcore), rte_get_main_lcore(),
	       rte_lcore_to_cpu_id(rte_get_main_lcore()), bench_opt->aqs,
	       BENCH_AQ_SIZE, bench_opt->sync_queue ?
	       " + a sync queue of 2" : "", BENCH_NUM_VDEVS);
	printf("\n%-5s %-50s %9s %9s %11s %9s %9s %9s  %s\n", "row", "case",
	       "count", "time ms", "cmds/s", "p50 ns", "p99 ns", "p99.9 ns",
	       "note");
	n = rows_ordered(ord);
	for (i = 0; i < n; i++) {
		const struct bench_row *r = ord[i];

		printf("%-5s %-50s %9s %9s %11s %9s %9s %9s  %s\n", r->sec,
		       r->name, num(c[0], sizeof(c[0]), r->count, 0),
		       num(t, sizeof(t), r->time_ms,
			   r->time_ms >= 0 && r->time_ms < 10 ? 3 : 1),
		       num(rt, sizeof(rt), r->rate, 0),
		       num(c[1], sizeof(c[1]), r->p50, 0),
		       num(c[2], sizeof(c[2]), r->p99, 0),
		       num(c[3], sizeof(c[3]), r->p999, 0), r->note);
	}
	printf("\nnotes:\n"
	       " a   one command at a time: rte_avq_exec() through the engine; "
	       "ref row: rte_avq_aq_exec(), the minimal one-queue path.\n"
	       " b   closed-loop batches: rte_avq_batch_begin/add x N/end (one "
	       "doorbell), then poll until all N completed, repeat;\n"
	       "     latency per command from its batch_add() to its "
	       "callback.\n"
	       " a,b engine rows: percentiles from a pass with a TSC read per "
	       "command ('stamped': its rate), cmds/s from a second\n"
	       "     pass without them; 'batch p50' = median batch time / N; "
	       "'medians' ratio = sync p50 / batch-128 p50 per command.\n"
	       " c   async batches of 32 for a fixed time from 1 or 2 lcores; "
	       "this machine has 2 cores, so the second submitter\n"
	       "     lcore shares cpu %d with the device thread (with idle=POLL "
	       "both spin there; 'yield' rows give the core away\n"
	       "     while waiting).\n"
	       " d   map N regions of 2 MiB on a managed device, then one "
	       "MMU_UNMAP clears them; time = wall time of\n"
	       "     rte_avq_mmu_map_regions() (median of reps); count = the "
	       "commands it reports; 'device saw'\n"
	       "     = all the device executed, incl. BATCHED's CAP_GET "
	       "probe.\n"
	       " e   sync rte_avq_exec() round trip per device idle strategy; "
	       "idle CPU = device thread CPU time (stats.cpu_ns)\n"
	       "     over an idle window, per second.\n",
	       rte_lcore_to_cpu_id(bench_worker_lcore));
	fflush(stdout);
}

/* ---- JSON ---- */

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void
json_num(FILE *f, const char *name, double v, bool last)
{
	if (v < 0)
		fprintf(f, "\"%s\": null%s", name, last ? "" : ", ");
	else
		fprintf(f, "\"%s\": %.3f%s", name, v, last ? "" : ", ");
}

int
bench_rows_json(const char *path, const char *cmdline)
{
	const struct bench_row *ord[MAX_ROWS];
	struct machine m;
	unsigned int i, n;
	FILE *f;
	int ret = 0;

	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	machine_get(&m);
	fprintf(f, "{\n  \"machine\": { \"model\": ");
	json_str(f, m.model);
	fprintf(f, ", \"nproc\": %ld, \"kernel\": ", m.nproc);
	json_str(f, m.kernel);
	fprintf(f, ", \"date\": ");
	json_str(f, m.date);
	fprintf(f, ", \"loadavg\": ");
	json_str(f, m.load);
	fprintf(f, ", \"steal\": %.4f", m.steal);
	fprintf(f, ", \"tsc_hz\": %" PRIu64 " },\n  \"command\": ",
		rte_get_tsc_hz());
	json_str(f, cmdline);
	fprintf(f, ",\n  \"build\": ");
	json_str(f, AVQ_BENCH_BUILDTYPE);
	fprintf(f, ",\n  \"quick\": %s,\n  \"aqs\": %u,\n  \"sync_queue\": %s,\n"
		"  \"errors\": %u,\n  \"rows\": [\n",
		bench_opt->quick ? "true" : "false", bench_opt->aqs,
		bench_opt->sync_queue ? "true" : "false", bench_errors);
	n = rows_ordered(ord);
	for (i = 0; i < n; i++) {
		const struct bench_row *r = ord[i];

		fprintf(f, "    { \"row\": ");
		json_str(f, r->sec);
		fprintf(f, ", \"key\": ");
		json_str(f, r->key);
		fprintf(f, ", \"case\": ");
		json_str(f, r->name);
		fprintf(f, ", ");
		json_num(f, "count", r->count, false);
		json_num(f, "time_ms", r->time_ms, false);
		json_num(f, "cmds_per_s", r->rate, false);
		json_num(f, "p50_ns", r->p50, false);
		json_num(f, "p99_ns", r->p99, false);
		json_num(f, "p999_ns", r->p999, false);
		json_num(f, "value", r->value, false);
		fprintf(f, "\"note\": ");
		json_str(f, r->note);
		fprintf(f, " }%s\n", i + 1 < n ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	if (ferror(f))
		ret = -EIO;
	if (fclose(f) != 0 && ret == 0)
		ret = -errno;
	return ret;
}
