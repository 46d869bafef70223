#!/bin/sh
# include/sysmem/ordinals.h must be exactly what scripts/gen-ordinals.py
# generates from include/sysmem/selectors.txt (exit status test).
exec /usr/bin/python3 "@SRCDIR@/scripts/gen-ordinals.py" --check \
    "@SRCDIR@/include/sysmem/selectors.txt" "@SRCDIR@/include/sysmem/ordinals.h"
