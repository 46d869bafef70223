/*
 * vsysmemctl's parts, shared between its source files.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSYSMEMCTL_H
#define VSYSMEMCTL_H

/* Pass an fd over a UNIX socket (SCM_RIGHTS); 0 or a negative errno. */
int vsysmemctl_send_fd(int sock, int fd);
/* The fd, or a negative errno. */
int vsysmemctl_recv_fd(int sock);

/*
 * vsysmemctl negotiate SCENARIO.json ("-": stdin): the scenario on device
 * /dev/vsysmem<dev_index>, the outcome on stdout as vsysmem-negotiate
 * prints it.  Returns the exit status (bad input exits 2 from the parser).
 */
int vsysmemctl_negotiate_scenario(unsigned int dev_index, const char *path);

#endif
