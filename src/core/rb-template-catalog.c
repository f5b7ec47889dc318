/* rb-template-catalog.c — shipped templates plus the data folder's own
 *
 * Shipped: $RUNBOARD_TEMPLATE_DIR when set and not empty (uninstalled
 * builds, tests), else RB_TEMPLATE_DIR (<prefix>/share/runboard/templates).
 * Then the .yaml files of <data>/templates, whose templates replace a shipped one of the
 * same metadata.id. The folders are read on every call, so a template
 * dropped into the data folder shows up without a restart. Files are read
 * in name order; within one folder the first file claiming an id wins.
 * Symlinks are followed only for regular files (a shipped folder may be a
 * packaging symlink farm); anything else is skipped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-template"

#include "config.h"

#include <string.h>

#include "rb-error.h"
#include "rb-ident.h"
#include "rb-template.h"

/* Templates larger than this are refused rather than read. */
#define MAX_TEMPLATE_SIZE (8 * 1024 * 1024)

struct _RbTemplateCatalog
{
  GObject  parent_instance;

  char    *shipped_dir;
  char    *user_dir;      /* nullable */
};

G_DEFINE_FINAL_TYPE (RbTemplateCatalog, rb_template_catalog, G_TYPE_OBJECT)

static void
rb_template_catalog_finalize (GObject *object)
{
  RbTemplateCatalog *self = RB_TEMPLATE_CATALOG (object);

  g_free (self->shipped_dir);
  g_free (self->user_dir);

  G_OBJECT_CLASS (rb_template_catalog_parent_class)->finalize (object);
}

static void
rb_template_catalog_class_init (RbTemplateCatalogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rb_template_catalog_finalize;
}

static void
rb_template_catalog_init (RbTemplateCatalog *self)
{
}

RbTemplateCatalog *
rb_template_catalog_new (const char *data_dir)
{
  RbTemplateCatalog *self = g_object_new (RB_TYPE_TEMPLATE_CATALOG, NULL);
  const char *env = g_getenv ("RUNBOARD_TEMPLATE_DIR");

  self->shipped_dir = g_strdup (env != NULL && *env != '\0' ? env : RB_TEMPLATE_DIR);
  if (data_dir != NULL)
    self->user_dir = g_build_filename (data_dir, "templates", NULL);
  return self;
}

static RbTemplate *
load_file (const char  *dir,
           const char  *name,
           GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE, "%s is not a regular file", name);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      /* GLib's message names the absolute path; ours names the file only. */
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE, "%s could not be read", name);
      return NULL;
    }
  if (length > MAX_TEMPLATE_SIZE)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE,
                   "%s is larger than %d MiB", name, MAX_TEMPLATE_SIZE / (1024 * 1024));
      return NULL;
    }
  return rb_template_new_from_data (contents, length, name, error);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Adds the templates of @dir to @by_id (id → RbTemplate), replacing earlier
 * entries. A missing folder adds nothing. */
static gboolean
load_dir (const char  *dir,
          GHashTable  *by_id,
          gboolean     warn,
          GError     **error)
{
  g_autoptr(GDir) handle = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local_error = NULL;
  const char *name;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return TRUE;
  handle = g_dir_open (dir, 0, &local_error);
  if (handle == NULL)
    {
      g_set_error_literal (error, RB_ERROR, RB_ERROR_INTERNAL,
                           "A templates folder could not be read.");
      return FALSE;
    }
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      if (name[0] != '.' && g_str_has_suffix (name, ".yaml"))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autoptr(GError) file_error = NULL;
      RbTemplate *template = load_file (dir, file, &file_error);

      if (template == NULL)
        {
          if (warn)
            g_warning ("Skipped a template: %s", file_error->message);
          continue;
        }
      if (g_hash_table_contains (seen, rb_template_get_id (template)))
        {
          if (warn)
            g_warning ("Skipped a template: %s defines %s again", file,
                       rb_template_get_id (template));
          g_object_unref (template);
          continue;
        }
      g_hash_table_add (seen, (gpointer) rb_template_get_id (template));
      g_hash_table_replace (by_id, (gpointer) rb_template_get_id (template), template);
    }
  return TRUE;
}

static GHashTable *
load_all (RbTemplateCatalog  *self,
          gboolean            warn,
          GError            **error)
{
  g_autoptr(GHashTable) by_id = NULL;

  /* Keys are the values' own ids: g_hash_table_replace() swaps key and
   * value together, so a key never outlives its template. */
  by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  if (!load_dir (self->shipped_dir, by_id, warn, error) ||
      !load_dir (self->user_dir, by_id, warn, error))
    return NULL;
  return g_steal_pointer (&by_id);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  RbTemplate *ta = *(RbTemplate * const *) a;
  RbTemplate *tb = *(RbTemplate * const *) b;

  return strcmp (rb_template_get_id (ta), rb_template_get_id (tb));
}

GPtrArray *
rb_template_catalog_list (RbTemplateCatalog  *self,
                          GError            **error)
{
  g_autoptr(GHashTable) by_id = NULL;
  GPtrArray *result;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (RB_IS_TEMPLATE_CATALOG (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  by_id = load_all (self, TRUE, error);
  if (by_id == NULL)
    return NULL;
  result = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, by_id);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (result, g_object_ref (value));
  g_ptr_array_sort (result, compare_ids);
  return result;
}

RbTemplate *
rb_template_catalog_get (RbTemplateCatalog  *self,
                         const char         *template_id,
                         GError            **error)
{
  g_autoptr(GHashTable) by_id = NULL;
  RbTemplate *template;

  g_return_val_if_fail (RB_IS_TEMPLATE_CATALOG (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!rb_ident_validate (RB_IDENT_TEMPLATE_ID, template_id, -1, "templateId", error))
    return NULL;
  /* Broken files were reported by list; get stays quiet about them. */
  by_id = load_all (self, FALSE, error);
  if (by_id == NULL)
    return NULL;
  template = g_hash_table_lookup (by_id, template_id);
  if (template == NULL)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_NOT_FOUND,
                   "Template %s was not found.", template_id);
      return NULL;
    }
  return g_object_ref (template);
}
