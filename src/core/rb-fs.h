/* rb-fs.h — the one atomic write helper every writer uses, and path safety
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Removes the temp files rb_fs_write_atomic left for @path when a writer
 * was killed before its rename: ".<name>.tmp-XXXXXX" regular files next
 * to @path whose mtime is at least @min_age_s seconds old (0: all of them,
 * only safe while holding a lock every writer of @path takes). Returns
 * how many were removed. */
guint    rb_fs_remove_stale_temps (const char *path,
                                   guint       min_age_s);

/* Writes @data to a temp file ".<name>.tmp-XXXXXX" in the same folder,
 * fsyncs it, renames it over @path and fsyncs the folder. On any failure
 * the temp file is removed and @path is untouched. */
gboolean rb_fs_write_atomic      (const char   *path,
                                  const void   *data,
                                  gsize         len,
                                  GError      **error);
/* Serialises with rb_json_to_data() and writes atomically. */
gboolean rb_fs_write_json_atomic (const char   *path,
                                  JsonNode     *node,
                                  GError      **error);
/* Reads a whole file of at most @max_size bytes; errors name the file by
 * @display_name (e.g. "run.json"), never by absolute path. */
GBytes  *rb_fs_read_file         (const char   *path,
                                  const char   *display_name,
                                  gsize         max_size,
                                  GError      **error);
/* TRUE when @path (after resolving "..", "." and symlinks of the existing
 * prefix) lies inside @root. */
gboolean rb_fs_path_is_inside    (const char   *root,
                                  const char   *path);

G_END_DECLS
