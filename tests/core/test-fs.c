/* test-fs.c — atomic writes, bounded reads and the path-inside check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <utime.h>
#include <unistd.h>

#include "rb-error.h"
#include "rb-fs.h"
#include "rb-json.h"
#include "rb-hash.h"
#include "rb-series.h"
#include "rb-test-util.h"

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (listing);
  while (g_dir_read_name (listing) != NULL)
    n++;
  return n;
}

static void
test_write_atomic (void)
{
  g_autofree char *dir = rb_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "run.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  struct stat st;

  g_assert_true (rb_fs_write_atomic (path, "first\n", 6, &error));
  g_assert_no_error (error);
  contents = rb_test_read_file (path, &len);
  g_assert_cmpmem (contents, len, "first\n", 6);

  /* Overwrite, including bytes with NUL. */
  g_assert_true (rb_fs_write_atomic (path, "a\0b", 3, &error));
  g_clear_pointer (&contents, g_free);
  contents = rb_test_read_file (path, &len);
  g_assert_cmpmem (contents, len, "a\0b", 3);

  /* Empty file. */
  g_assert_true (rb_fs_write_atomic (path, "", 0, &error));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
  /* Readable by others like any file we write (umask permitting). */
  g_assert_true ((st.st_mode & 0600) == 0600);

  /* No temp file left behind. */
  g_assert_cmpuint (count_entries (dir), ==, 1);

  rb_test_remove_tree (dir);
}

static void
put_aged (const char *dir,
          const char *name,
          gint64      age_s)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct utimbuf times;

  rb_test_write_file (path, "x", 1);
  times.actime = times.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC - age_s);
  g_assert_cmpint (utime (path, &times), ==, 0);
}

/* What a writer killed before its rename leaves, and only that, goes. */
static void
test_remove_stale_temps (void)
{
  g_autofree char *dir = rb_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "stamp", NULL);
  g_autofree char *sub = g_build_filename (dir, ".stamp.tmp-dirXYZ", NULL);
  g_autofree char *dead = g_build_filename (dir, ".stamp.tmp-a1B2c3", NULL);

  rb_test_write_file (path, "s\n", -1);
  put_aged (dir, ".stamp.tmp-a1B2c3", 7200);     /* dead writer's temp */
  put_aged (dir, ".stamp.tmp-d4E5f6", 5);        /* a live writer's, maybe */
  put_aged (dir, ".stamp.tmp-short", 7200);      /* not g_mkstemp's shape */
  put_aged (dir, ".other.tmp-a1B2c3", 7200);     /* another file's */
  put_aged (dir, "stamp.tmp-a1B2c3", 7200);      /* not hidden */
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);  /* a folder: never */

  g_assert_cmpuint (rb_fs_remove_stale_temps (path, 3600), ==, 1);
  g_assert_false (g_file_test (dead, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (dir), ==, 6);
  /* Age 0 (under the writers' lock): the young one goes too. */
  g_assert_cmpuint (rb_fs_remove_stale_temps (path, 0), ==, 1);
  g_assert_cmpuint (count_entries (dir), ==, 5);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  rb_test_remove_tree (dir);
}

static void
test_write_failure (void)
{
  g_autofree char *dir = rb_test_make_temp_dir ();
  g_autofree char *no_dir = g_build_filename (dir, "nope", "run.json", NULL);
  g_autofree char *target_dir = g_build_filename (dir, "series", NULL);
  g_autofree char *inner = g_build_filename (target_dir, "keep.csv", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (rb_fs_write_atomic (no_dir, "x", 1, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INTERNAL);
  g_assert_cmpstr (error->message, ==, "Could not write run.json: No such file or directory");
  g_clear_error (&error);

  /* The rename fails (the target is a non-empty folder): the temp file is
   * removed and the target is untouched. */
  rb_test_write_file (inner, "keep", -1);
  g_assert_false (rb_fs_write_atomic (target_dir, "x", 1, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INTERNAL);
  g_assert_true (g_str_has_prefix (error->message, "Could not write series: "));
  g_assert_null (strstr (error->message, dir));
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_assert_true (g_file_test (inner, G_FILE_TEST_IS_REGULAR));

  rb_test_remove_tree (dir);
}

static void
test_write_json (void)
{
  g_autofree char *dir = rb_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "manifest.json", NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  json_builder_begin_object (builder);
  rb_json_add_int (builder, "schemaVersion", 1);
  rb_json_add_string (builder, "name", "x");
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  g_assert_true (rb_fs_write_json_atomic (path, node, &error));
  g_assert_no_error (error);
  contents = rb_test_read_file (path, &len);
  g_assert_cmpstr (contents, ==, "{\n  \"schemaVersion\": 1,\n  \"name\": \"x\"\n}\n");

  rb_test_remove_tree (dir);
}

static void
test_read_file (void)
{
  g_autofree char *dir = rb_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "run.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  g_autofree char *under_file = g_build_filename (path, "x", NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  rb_test_write_file (path, "0123456789", -1);

  bytes = rb_fs_read_file (path, "run.json", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "0123456789", 10);
  g_clear_pointer (&bytes, g_bytes_unref);

  g_assert_null (rb_fs_read_file (path, "run.json", 9, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "run.json is larger than 9 bytes");
  g_clear_error (&error);

  g_assert_null (rb_fs_read_file (path, "run.json", 4, &error));
  g_clear_error (&error);

  g_assert_null (rb_fs_read_file (missing, "missing.json", 100, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "missing.json is missing");
  g_clear_error (&error);

  g_assert_null (rb_fs_read_file (under_file, "run.json/x", 100, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (rb_fs_read_file (dir, "runs", 100, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "runs is not a regular file");
  g_clear_error (&error);

  /* Empty files read as empty bytes. */
  rb_test_write_file (path, "", 0);
  bytes = rb_fs_read_file (path, "run.json", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 0);

  rb_test_remove_tree (dir);
}

static void
test_limit_wording (void)
{
  g_autofree char *dir = rb_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "big", NULL);
  g_autofree char *data = g_strnfill (3000, 'x');
  g_autoptr(GError) error = NULL;

  rb_test_write_file (path, data, -1);
  g_assert_null (rb_fs_read_file (path, "big", 2048, &error));
  g_assert_cmpstr (error->message, ==, "big is larger than 2 KiB");

  rb_test_remove_tree (dir);
}

static void
test_path_inside (void)
{
  g_autofree char *dir = rb_test_make_temp_dir ();
  g_autofree char *root = g_build_filename (dir, "data", NULL);
  g_autofree char *sibling = g_build_filename (dir, "data2", NULL);
  g_autofree char *runs = g_build_filename (root, "runs", NULL);
  g_autofree char *escape_link = g_build_filename (runs, "evil", NULL);
  g_autofree char *inner_link = g_build_filename (root, "alias", NULL);
  g_autofree char *p = NULL;

  g_assert_cmpint (g_mkdir_with_parents (runs, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (sibling, 0755), ==, 0);
  g_assert_cmpint (symlink (dir, escape_link), ==, 0);
  g_assert_cmpint (symlink (runs, inner_link), ==, 0);

#define INSIDE(rel)  G_STMT_START { g_free (p); p = g_build_filename (root, rel, NULL); \
                                    g_assert_true (rb_fs_path_is_inside (root, p)); } G_STMT_END
#define OUTSIDE(rel) G_STMT_START { g_free (p); p = g_build_filename (root, rel, NULL); \
                                    g_assert_false (rb_fs_path_is_inside (root, p)); } G_STMT_END

  g_assert_true (rb_fs_path_is_inside (root, root));
  INSIDE ("runs");
  INSIDE ("runs/run_1/run.json");              /* not existing yet */
  INSIDE ("runs/./run_1");
  INSIDE ("runs/../telemetry/key");
  INSIDE ("alias/run_1");                      /* symlink staying inside */
  INSIDE ("new/../runs/x");
  OUTSIDE ("..");
  OUTSIDE ("../data2/x");                      /* prefix trick: data vs data2 */
  OUTSIDE ("runs/../../etc/passwd");
  OUTSIDE ("runs/new/../../../x");
  OUTSIDE ("runs/evil");                       /* symlink leading out */
  OUTSIDE ("runs/evil/data2");
  OUTSIDE ("runs/new/../evil/x");              /* ".." after a missing folder, then a symlink */

  g_assert_false (rb_fs_path_is_inside (root, "/etc/passwd"));
  g_assert_false (rb_fs_path_is_inside (root, ""));
  g_assert_false (rb_fs_path_is_inside (NULL, root));
  g_assert_true (rb_fs_path_is_inside ("/", "/etc"));

  /* A root that does not exist yet still works lexically. */
  {
    g_autofree char *future = g_build_filename (dir, "future", NULL);
    g_autofree char *child = g_build_filename (future, "runs", "x", NULL);
    g_autofree char *out = g_build_filename (future, "..", "data2", NULL);

    g_assert_true (rb_fs_path_is_inside (future, child));
    g_assert_false (rb_fs_path_is_inside (future, out));
  }

#undef INSIDE
#undef OUTSIDE

  rb_test_remove_tree (dir);
}

/* A named pipe in a run folder must not hang a reader (server worker, CLI):
 * every reader opens non-blocking and refuses what is not a regular file. */
static void
test_fifo_never_blocks (void)
{
  g_autofree char *dir = rb_test_make_temp_dir ();
  g_autofree char *fifo = g_build_filename (dir, "run.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(RbSeries) series = NULL;
  g_autofree char *hash = NULL;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  bytes = rb_fs_read_file (fifo, "run.json", 1024, &error);
  g_assert_null (bytes);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "run.json is not a regular file");
  g_clear_error (&error);

  series = rb_series_read_csv (fifo, "series/x.csv", &error);
  g_assert_null (series);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "series/x.csv is not a regular file");
  g_clear_error (&error);

  /* Hashing an empty pipe returns at once (no writer), whatever it yields. */
  hash = rb_hash_file (fifo, NULL);

  rb_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fs/write-atomic", test_write_atomic);
  g_test_add_func ("/fs/write-failure", test_write_failure);
  g_test_add_func ("/fs/remove-stale-temps", test_remove_stale_temps);
  g_test_add_func ("/fs/write-json", test_write_json);
  g_test_add_func ("/fs/read-file", test_read_file);
  g_test_add_func ("/fs/limit-wording", test_limit_wording);
  g_test_add_func ("/fs/path-inside", test_path_inside);
  g_test_add_func ("/fs/fifo-never-blocks", test_fifo_never_blocks);

  return g_test_run ();
}
