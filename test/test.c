/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * avq-test: the project's autotest runner.
 *
 *   DPDK_TEST=<name>_autotest avq-test <EAL args>   run one test (meson does this)
 *   avq-test <EAL args> -- <name> [<name>...]        run the named tests
 *   avq-test <EAL args> -- all                       run every test in one process
 *   avq-test <EAL args> -- list                      print the test names
 *
 * Exit status: 0 when every selected test passed (or was skipped, which
 * meson reports as SKIP via status 77 for a single test), 1 otherwise.
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_eal.h>

#include "avq_test.h"

static struct avq_test *tests;

/* The command line as given, before EAL parsed (and permuted) it. */
static char **orig_argv;
static int orig_argc;

void
avq_test_register(struct avq_test *t)
{
	struct avq_test **pp = &tests;

	/* Keep them sorted so "all" and "list" are stable. */
	while (*pp != NULL && strcmp((*pp)->name, t->name) < 0)
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
}

static struct avq_test *
find_test(const char *name)
{
	struct avq_test *t;

	for (t = tests; t != NULL; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/*
 * Whether the words of @p args (separated by single spaces) appear, in
 * order and next to each other, among the EAL arguments of the process.
 */
static bool
has_eal_args(const char *args)
{
	char buf[1024], *words[64], *save = NULL, *w;
	int n = 0, i, j;

	if (strlen(args) >= sizeof(buf))
		return false;
	strcpy(buf, args);
	for (w = strtok_r(buf, " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save)) {
		if (n == (int)RTE_DIM(words))
			return false;
		words[n++] = w;
	}
	for (i = 1; i + n <= orig_argc; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(orig_argv[i + j], words[j]) != 0)
				break;
		if (j == n)
			return true;
		if (strcmp(orig_argv[i], "--") == 0)
			break;
	}
	return false;
}

/*
 * Returns TEST_SUCCESS, TEST_FAILED or TEST_SKIPPED. A test that needs EAL
 * arguments the process did not get is skipped, or with @p need_args
 * (it was asked for alone) fails: a missing argument must not pass silently.
 */
static int
run_one(struct avq_test *t, bool need_args)
{
	uint64_t t0 = avq_test_ns();
	int ret;

	if (t->eal_args != NULL && !has_eal_args(t->eal_args)) {
		printf("%s: %s (needs EAL arguments: %s)\n", t->name,
		       need_args ? "FAILED" : "SKIPPED", t->eal_args);
		fflush(stdout);
		return need_args ? TEST_FAILED : TEST_SKIPPED;
	}
	ret = t->fn();

	printf("%s: %s (%.1f ms)\n", t->name,
	       ret == TEST_SUCCESS ? "OK" :
	       ret == TEST_SKIPPED ? "SKIPPED" : "FAILED",
	       (avq_test_ns() - t0) / 1e6);
	fflush(stdout);
	if (ret != TEST_SUCCESS && ret != TEST_SKIPPED)
		ret = TEST_FAILED;
	return ret;
}

static int
run_main(int argc, char **argv)
{
	const char *env = getenv("DPDK_TEST");
	unsigned int passed = 0, failed = 0, skipped = 0;
	struct avq_test *t;
	int ret, i;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "avq-test: EAL initialisation failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;

	if (env != NULL && env[0] != '\0') {
		t = find_test(env);
		if (t == NULL) {
			fprintf(stderr, "avq-test: no test named %s\n", env);
			rte_eal_cleanup();
			return 1;
		}
		ret = run_one(t, true);
		rte_eal_cleanup();
		return ret == TEST_SUCCESS ? 0 : ret == TEST_SKIPPED ? 77 : 1;
	}

	if (argc < 2) {
		fprintf(stderr,
			"usage: DPDK_TEST=<name> %s <EAL args>\n"
			"       %s <EAL args> -- all | list | <name>...\n",
			"avq-test", "avq-test");
		rte_eal_cleanup();
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "list") == 0) {
			for (t = tests; t != NULL; t = t->next)
				printf("%s\n", t->name);
			continue;
		}
		if (strcmp(argv[i], "all") == 0) {
			for (t = tests; t != NULL; t = t->next) {
				ret = run_one(t, false);
				passed += ret == TEST_SUCCESS;
				skipped += ret == TEST_SKIPPED;
				failed += ret == TEST_FAILED;
			}
			continue;
		}
		t = find_test(argv[i]);
		if (t == NULL) {
			fprintf(stderr, "avq-test: no test named %s\n", argv[i]);
			failed++;
			continue;
		}
		ret = run_one(t, true);
		passed += ret == TEST_SUCCESS;
		skipped += ret == TEST_SKIPPED;
		failed += ret == TEST_FAILED;
	}
	if (passed + failed + skipped > 0)
		printf("%u passed, %u failed, %u skipped\n", passed, failed,
		       skipped);
	rte_eal_cleanup();
	return failed == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	int ret;

	orig_argc = argc;
	orig_argv = calloc(argc + 1, sizeof(*orig_argv));
	if (orig_argv == NULL)
		return 1;
	memcpy(orig_argv, argv, argc * sizeof(*orig_argv));
	ret = run_main(argc, argv);
	free(orig_argv);
	return ret;
}
