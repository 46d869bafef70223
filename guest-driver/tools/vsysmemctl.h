/*
 * vsysmemctl's parts, shared between its source files.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSYSMEMCTL_H
#define VSYSMEMCTL_H

/*
 * vsysmemctl negotiate SCENARIO.json ("-": stdin): the scenario on device
 * /dev/vsysmem<dev_index>, the outcome on stdout as vsysmem-negotiate
 * prints it.  Returns the exit status (bad input exits 2 from the parser).
 */
int vsysmemctl_negotiate_scenario(unsigned int dev_index, const char *path);

/* vsysmemctl camera (vsysmemctl-camera.c); argv[0] is "camera". */
int cmd_camera(int argc, char **argv);

#endif /* VSYSMEMCTL_H */
