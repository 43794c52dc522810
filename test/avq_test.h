/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef AVQ_TEST_H
#define AVQ_TEST_H

/*
 * Autotests in DPDK's manner: each test is a function registered under a
 * name ending in _autotest; `DPDK_TEST=<name> avq-test <EAL args>` runs one.
 * Assertions print where they failed and return TEST_FAILED.
 */

#include <stdio.h>
#include <string.h>
#include <inttypes.h>
#include <time.h>

#include <rte_common.h>

/* The monotonic clock, for the deadlines and timings of tests. */
static inline uint64_t
avq_test_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t
avq_test_ms(void)
{
	return avq_test_ns() / 1000000;
}

#define TEST_SUCCESS	0
#define TEST_FAILED	(-1)
#define TEST_SKIPPED	77

#define TEST_ASSERT(cond, fmt, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: assertion failed: %s: " fmt "\n",\
			__FILE__, __LINE__, #cond, ##__VA_ARGS__);	\
		return TEST_FAILED;					\
	}								\
} while (0)

#define TEST_ASSERT_EQUAL(a, b, fmt, ...) do {				\
	uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);		\
	if (a_ != b_) {							\
		fprintf(stderr, "%s:%d: %s == %s failed (0x%" PRIx64	\
			" != 0x%" PRIx64 "): " fmt "\n", __FILE__,	\
			__LINE__, #a, #b, a_, b_, ##__VA_ARGS__);	\
		return TEST_FAILED;					\
	}								\
} while (0)

#define TEST_ASSERT_NOT_EQUAL(a, b, fmt, ...) do {			\
	uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);		\
	if (a_ == b_) {							\
		fprintf(stderr, "%s:%d: %s != %s failed (both 0x%"	\
			PRIx64 "): " fmt "\n", __FILE__, __LINE__, #a,	\
			#b, a_, ##__VA_ARGS__);				\
		return TEST_FAILED;					\
	}								\
} while (0)

#define TEST_ASSERT_SUCCESS(val, fmt, ...) do {				\
	int64_t v_ = (int64_t)(val);					\
	if (v_ != 0) {							\
		fprintf(stderr, "%s:%d: %s returned %" PRId64 ": " fmt	\
			"\n", __FILE__, __LINE__, #val, v_,		\
			##__VA_ARGS__);					\
		return TEST_FAILED;					\
	}								\
} while (0)

#define TEST_ASSERT_NOT_NULL(p, fmt, ...) \
	TEST_ASSERT((p) != NULL, fmt, ##__VA_ARGS__)

typedef int (*avq_test_fn)(void);

struct avq_test {
	const char *name;
	avq_test_fn fn;
	/* EAL arguments the test needs besides the common ones, or NULL. */
	const char *eal_args;
	struct avq_test *next;
};

void avq_test_register(struct avq_test *t);

/* Register @p fn under the name @p name (which must end in _autotest). */
#define REGISTER_AVQ_TEST(name, fn) AVQ_TEST_REGISTER_(name, fn, NULL)

/*
 * Same, for a test that needs extra EAL arguments (a string literal, words
 * separated by single spaces, e.g. "-a avq:sim0,net=2"): devtools/list-tests.py
 * extracts the literal and test/meson.build appends its words to that
 * test's EAL arguments. The runner refuses the test (DPDK_TEST=) or skips it
 * (-- all) when the process did not get them.
 */
#define REGISTER_AVQ_TEST_ARGS(name, fn, args) \
	AVQ_TEST_REGISTER_(name, fn, "" args)

/* Same, for benchmarks run by the perf-tests suite. */
#define REGISTER_AVQ_PERF_TEST(name, fn) AVQ_TEST_REGISTER_(name, fn, NULL)

#define AVQ_TEST_REGISTER_(nm, func, args)				\
	static struct avq_test avq_test_ ## nm = {			\
		.name = #nm, .fn = func, .eal_args = args,		\
	};								\
	RTE_INIT(avq_test_init_ ## nm)					\
	{								\
		avq_test_register(&avq_test_ ## nm);			\
	}

#endif /* AVQ_TEST_H */
