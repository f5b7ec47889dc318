/* test-data-dir.c — data folder resolution order and the change stamp
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "rb-data-dir.h"
#include "rb-test-util.h"

static void
set_setting (const char *value)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_assert_true (g_settings_set_string (settings, "data-directory", value));
}

static void
test_resolve_order (void)
{
  g_autofree char *fallback = g_build_filename (g_get_user_data_dir (), "runboard", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *relative = g_build_filename (cwd, "rel", "data", NULL);
  char *dir;

  g_setenv ("RUNBOARD_DATA_DIR", "", TRUE);
  set_setting ("");

  /* Nothing set (empty values count as unset): $XDG_DATA_HOME/runboard. */
  dir = rb_data_dir_resolve (NULL);
  g_assert_cmpstr (dir, ==, fallback);
  g_free (dir);
  dir = rb_data_dir_resolve ("");
  g_assert_cmpstr (dir, ==, fallback);
  g_free (dir);

  /* The setting. */
  set_setting ("/srv/from-settings");
  dir = rb_data_dir_resolve (NULL);
  g_assert_cmpstr (dir, ==, "/srv/from-settings");
  g_free (dir);

  /* The environment beats the setting. */
  g_setenv ("RUNBOARD_DATA_DIR", "/srv/from-env/", TRUE);
  dir = rb_data_dir_resolve (NULL);
  g_assert_cmpstr (dir, ==, "/srv/from-env");
  g_free (dir);

  /* The option beats both; relative paths become absolute. */
  dir = rb_data_dir_resolve ("/srv/from-option/runs/..");
  g_assert_cmpstr (dir, ==, "/srv/from-option");
  g_free (dir);
  dir = rb_data_dir_resolve ("rel/./data");
  g_assert_cmpstr (dir, ==, relative);
  g_free (dir);

  g_setenv ("RUNBOARD_DATA_DIR", "", TRUE);
  set_setting ("");
}

static void
test_resolve_without_schema (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *empty = rb_test_make_temp_dir ();
      g_autofree char *fallback = NULL;
      g_autofree char *dir = NULL;

      /* Before anything looks up the default schema source. */
      g_setenv ("GSETTINGS_SCHEMA_DIR", empty, TRUE);
      g_setenv ("XDG_DATA_DIRS", empty, TRUE);
      g_setenv ("RUNBOARD_DATA_DIR", "", TRUE);

      fallback = g_build_filename (g_get_user_data_dir (), "runboard", NULL);
      dir = rb_data_dir_resolve (NULL);
      g_assert_cmpstr (dir, ==, fallback);
      g_clear_pointer (&dir, g_free);
      {
        GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
        g_autoptr(GSettingsSchema) schema = NULL;

        if (source != NULL)
          schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
        g_assert_null (schema);
      }

      g_setenv ("RUNBOARD_DATA_DIR", "/srv/env", TRUE);
      dir = rb_data_dir_resolve (NULL);
      g_assert_cmpstr (dir, ==, "/srv/env");

      rb_test_remove_tree (empty);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("");
}

static void
test_ensure (void)
{
  g_autofree char *tmp = rb_test_make_temp_dir ();
  g_autofree char *data = g_build_filename (tmp, "a", "b", "data", NULL);
  static const char *subdirs[] = { "runs", "telemetry", "templates", ".runboard" };
  g_autoptr(GError) error = NULL;

  g_assert_true (rb_data_dir_ensure (data, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (data, subdirs[i], NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
    }
  /* Idempotent. */
  g_assert_true (rb_data_dir_ensure (data, &error));
  g_assert_no_error (error);

  /* A file where the folder should be. */
  {
    g_autofree char *blocked = g_build_filename (tmp, "blocked", NULL);
    g_autofree char *runs = g_build_filename (blocked, "runs", NULL);

    g_assert_cmpint (g_mkdir (blocked, 0755), ==, 0);
    rb_test_write_file (runs, "not a folder", -1);
    g_assert_false (rb_data_dir_ensure (blocked, &error));
    g_assert_nonnull (error);
    g_assert_cmpstr (error->message, ==, "Could not create runs in the data folder: Not a directory");
    g_assert_null (strstr (error->message, tmp));
  }

  rb_test_remove_tree (tmp);
}

static gpointer
touch_thread (gpointer data)
{
  for (guint i = 0; i < 50; i++)
    g_assert_true (rb_data_dir_touch_stamp (data, NULL));
  return NULL;
}

static void
test_stamp (void)
{
  g_autofree char *data = rb_test_make_temp_dir ();
  g_autofree char *meta = g_build_filename (data, ".runboard", NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *initial = rb_data_dir_read_stamp (data);
  GThread *threads[4];
  g_autoptr(GDir) listing = NULL;
  const char *name;

  g_assert_cmpstr (initial, ==, "");

  /* .runboard is created on demand; each touch gives a new value. */
  for (guint i = 0; i < 200; i++)
    {
      char *stamp;

      g_assert_true (rb_data_dir_touch_stamp (data, &error));
      g_assert_no_error (error);
      stamp = rb_data_dir_read_stamp (data);
      g_assert_cmpstr (stamp, !=, "");
      g_assert_null (strchr (stamp, '\n'));
      g_assert_false (g_hash_table_contains (seen, stamp));
      g_hash_table_add (seen, stamp);
    }

  /* Concurrent touches never leave a torn or temp file behind. */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("touch", touch_thread, data);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  listing = g_dir_open (meta, 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_assert_cmpstr (name, ==, "stamp");

  {
    g_autofree char *last = rb_data_dir_read_stamp (data);
    g_auto(GStrv) parts = g_strsplit (last, "-", -1);

    g_assert_cmpuint (g_strv_length (parts), ==, 3);
    g_assert_false (g_hash_table_contains (seen, last));
  }

  rb_test_remove_tree (data);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/data-dir/resolve-order", test_resolve_order);
  g_test_add_func ("/data-dir/resolve-without-schema", test_resolve_without_schema);
  g_test_add_func ("/data-dir/ensure", test_ensure);
  g_test_add_func ("/data-dir/stamp", test_stamp);

  return g_test_run ();
}
