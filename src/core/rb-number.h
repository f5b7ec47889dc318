/* rb-number.h — the one number formatter and parser for every file we write
 *
 * Shortest round-trip decimal in .NET "R" style (formats.md "Common rules"):
 * plain form unless the decimal exponent is >= 15 or <= -5, then d.dddE+XX;
 * integers without ".0"; "-0" kept; "NaN", "Infinity", "-Infinity".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Enough for the longest output ("-2.2250738585072014E-308" plus NUL). */
#define RB_NUMBER_BUF_SIZE 32

gsize    rb_number_format (double      value,
                           char        buf[RB_NUMBER_BUF_SIZE]);
void     rb_number_append (GString    *str,
                           double      value);
/* Parses the whole of @text[0..len) (no surrounding space): our own output,
 * NaN/Infinity/-Infinity, and anything strtod accepts in the C locale.
 * Returns FALSE on anything else (including the empty string). */
gboolean rb_number_parse  (const char *text,
                           gsize       len,
                           double     *value);

G_END_DECLS
