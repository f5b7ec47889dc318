/* rb-hash.h — "sha256:<64 lower-case hex>" hashes (formats.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char     *rb_hash_data   (const void  *data,
                          gsize        len);
char     *rb_hash_bytes  (GBytes      *bytes);
char     *rb_hash_string (const char  *str);
char     *rb_hash_file   (const char  *path,
                          GError     **error);
/* TRUE when both name the same digest; accepts bare hex (legacy bundles)
 * on either side, case-insensitively. */
gboolean  rb_hash_equal  (const char  *a,
                          const char  *b);

G_END_DECLS
