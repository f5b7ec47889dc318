/* rb-data-dir.c — which data folder to use, and its change stamp
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-data-dir"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "rb-data-dir.h"
#include "rb-error.h"
#include "rb-fs.h"

#define STAMP_MAX_SIZE 4096

static char *
absolute_path (const char *path)
{
  if (path[0] == '~' && (path[1] == '\0' || path[1] == '/'))
    {
      g_autofree char *expanded = g_build_filename (g_get_home_dir (), path + 1, NULL);
      return g_canonicalize_filename (expanded, NULL);
    }
  /* Relative paths are taken from the current folder; "." and ".." are
   * folded so every front end names the same folder the same way. */
  return g_canonicalize_filename (path, NULL);
}

/* The data-directory setting, only when the schema is installed: the CLI
 * and the server must run on machines that never installed the app. */
static char *
setting_value (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "data-directory"))
    return NULL;
  settings = g_settings_new_full (schema, NULL, NULL);
  return g_settings_get_string (settings, "data-directory");
}

char *
rb_data_dir_resolve (const char *option_value)
{
  g_autofree char *setting = NULL;
  const char *env;

  if (option_value != NULL && *option_value != '\0')
    return absolute_path (option_value);

  env = g_getenv ("RUNBOARD_DATA_DIR");
  if (env != NULL && *env != '\0')
    return absolute_path (env);

  setting = setting_value ();
  if (setting != NULL && *setting != '\0')
    return absolute_path (setting);

  return g_build_filename (g_get_user_data_dir (), "runboard", NULL);
}

gboolean
rb_data_dir_ensure (const char  *data_dir,
                    GError     **error)
{
  static const char *subdirs[] = { "runs", "telemetry", "templates", ".runboard" };

  g_return_val_if_fail (data_dir != NULL, FALSE);

  if (g_mkdir_with_parents (data_dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                   "Could not create the data folder: %s", g_strerror (saved_errno));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (data_dir, subdirs[i], NULL);

      if (g_mkdir_with_parents (path, 0755) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                       "Could not create %s in the data folder: %s",
                       subdirs[i], g_strerror (saved_errno));
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
rb_data_dir_touch_stamp (const char  *data_dir,
                         GError     **error)
{
  static gint counter = 0;
  g_autofree char *meta = NULL;
  g_autofree char *path = NULL;
  g_autofree char *value = NULL;

  g_return_val_if_fail (data_dir != NULL, FALSE);

  meta = g_build_filename (data_dir, ".runboard", NULL);
  if (g_mkdir_with_parents (meta, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                   "Could not create .runboard in the data folder: %s",
                   g_strerror (saved_errno));
      return FALSE;
    }

  /* Time, process and a per-process counter: unique across processes
   * sharing the folder and across calls within one microsecond. */
  value = g_strdup_printf ("%" G_GINT64_FORMAT "-%d-%u\n",
                           g_get_real_time (), (int) getpid (),
                           (guint) g_atomic_int_add (&counter, 1));
  path = g_build_filename (meta, "stamp", NULL);
  if (!rb_fs_write_atomic (path, value, strlen (value), error))
    return FALSE;
  /* Temps of writers killed before their rename (no lock here: a live
   * writer's temp exists for milliseconds, so an hour-old one is dead). */
  rb_fs_remove_stale_temps (path, 3600);
  return TRUE;
}

char *
rb_data_dir_read_stamp (const char *data_dir)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *data;
  gsize len = 0;

  g_return_val_if_fail (data_dir != NULL, g_strdup (""));

  path = g_build_filename (data_dir, ".runboard", "stamp", NULL);
  bytes = rb_fs_read_file (path, "stamp", STAMP_MAX_SIZE, NULL);
  if (bytes == NULL)
    return g_strdup ("");
  data = g_bytes_get_data (bytes, &len);
  return g_strstrip (g_strndup (data != NULL ? data : "", len));
}
