/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * avq-vdpa: one vhost-user socket per vdpa_avq device.
 *
 *   avq-vdpa -l 0 -d <build>/drivers -a avq:sim0,cpu=0,vdpa=2 -- \
 *       --socket-dir DIR
 *
 * serves DIR/vdpa0.sock, DIR/vdpa1.sock, ... (managed devices of class
 * vdpa in bus order) until SIGINT or SIGTERM, then detaches them and
 * exits 0. Quiet unless something fails; --verbose lists the sockets.
 */

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_log.h>
#include <rte_vdpa.h>
#include <rte_vhost.h>

#include "rte_bus_avq.h"

#define MAX_DEVS	64

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

/* vhost calls these for every connection (and needs the table even when
 * the vDPA driver does all the work). */
static int
on_new_device(int vid)
{
	(void)vid;
	return 0;
}

static void
on_destroy_device(int vid)
{
	(void)vid;
}

static const struct rte_vhost_device_ops vhost_ops = {
	.new_device = on_new_device,
	.destroy_device = on_destroy_device,
};

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s <EAL args> -- --socket-dir DIR [--verbose]\n",
		prog);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket-dir", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	static char names[MAX_DEVS][RTE_AVQ_NAME_LEN];
	static char paths[MAX_DEVS][PATH_MAX];
	const char *dir = NULL;
	struct rte_avq_vdev_info info;
	struct rte_vdpa_device *vd;
	struct sigaction sa;
	unsigned int i, n, nsock = 0;
	bool verbose = false;
	int ret, opt, total, rc = 0;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "avq-vdpa: EAL init failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			dir = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			usage(argv[0]);
			rte_eal_cleanup();
			return 1;
		}
	}
	/* Quiet by default: vhost logs every vhost-user message at INFO. */
	if (!verbose)
		rte_log_set_level_pattern("lib.vhost.*", RTE_LOG_WARNING);
	if (dir == NULL || optind != argc) {
		usage(argv[0]);
		rte_eal_cleanup();
		return 1;
	}

	total = rte_avq_vdev_list(NULL, names, MAX_DEVS);
	n = total < 0 ? 0 : RTE_MIN((unsigned int)total, (unsigned int)MAX_DEVS);
	for (i = 0; i < n && rc == 0; i++) {
		struct rte_avq_vdev *v = rte_avq_vdev_lookup(names[i]);

		if (v == NULL || rte_avq_vdev_info_get(v, &info) != 0 ||
		    info.cls != RTE_AVQ_VDEV_CLASS_VDPA)
			continue;
		vd = rte_vdpa_find_device_by_name(names[i]);
		if (vd == NULL) {
			fprintf(stderr, "avq-vdpa: %s: no vDPA device (is vdpa_avq loaded with -d?)\n",
				names[i]);
			rc = 1;
			break;
		}
		snprintf(paths[nsock], sizeof(paths[nsock]), "%s/vdpa%u.sock",
			 dir, nsock);
		unlink(paths[nsock]);
		if (rte_vhost_driver_register(paths[nsock], 0) != 0) {
			fprintf(stderr, "avq-vdpa: cannot register %s\n", paths[nsock]);
			rc = 1;
			break;
		}
		nsock++;
		if (rte_vhost_driver_callback_register(paths[nsock - 1],
						       &vhost_ops) != 0 ||
		    rte_vhost_driver_attach_vdpa_device(paths[nsock - 1], vd) != 0 ||
		    rte_vhost_driver_start(paths[nsock - 1]) != 0) {
			fprintf(stderr, "avq-vdpa: cannot serve %s on %s\n",
				names[i], paths[nsock - 1]);
			rc = 1;
			break;
		}
		if (verbose)
			printf("avq-vdpa: %s on %s\n", names[i], paths[nsock - 1]);
	}
	if (rc == 0 && nsock == 0) {
		fprintf(stderr, "avq-vdpa: no managed device of class vdpa (-a avq:sim0,vdpa=N)\n");
		rc = 1;
	}

	if (rc == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		if (verbose)
			fflush(stdout);
		while (!quit)
			usleep(100 * 1000);
	}

	for (i = 0; i < nsock; i++) {
		/* Closes the connection (dev_close) and the socket. */
		if (rte_vhost_driver_unregister(paths[i]) != 0) {
			fprintf(stderr, "avq-vdpa: cannot unregister %s\n", paths[i]);
			rc = 1;
		}
		unlink(paths[i]);
	}
	rte_eal_cleanup();
	return rc;
}
