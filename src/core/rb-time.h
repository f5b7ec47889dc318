/* rb-time.h — ISO-8601 UTC timestamps ("2026-11-26T10:15:30.123456Z")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char      *rb_time_format     (GDateTime  *time);
char      *rb_time_now_string (void);
/* Any ISO-8601 form (with Z or an offset; 7 fraction digits accepted). */
GDateTime *rb_time_parse      (const char *text);

G_END_DECLS
