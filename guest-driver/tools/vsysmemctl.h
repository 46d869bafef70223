/*
 * vsysmemctl: the subcommands that live in their own files.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSYSMEMCTL_H
#define VSYSMEMCTL_H

/* vsysmemctl camera (vsysmemctl-camera.c); argv[0] is "camera". */
int cmd_camera(int argc, char **argv);

#endif /* VSYSMEMCTL_H */
