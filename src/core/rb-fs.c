/* rb-fs.c — the one atomic write helper every writer uses, and path safety
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-fs"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rb-error.h"
#include "rb-fs.h"
#include "rb-json.h"

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, MIN (len, (gsize) G_MAXSSIZE));

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      data += n;
      len -= n;
    }
  return TRUE;
}

static void
fsync_dir (const char *dir)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    return;
  /* Best effort: some filesystems refuse fsync on a directory. */
  (void) fsync (fd);
  close (fd);
}

guint
rb_fs_remove_stale_temps (const char *path,
                          guint       min_age_s)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *prefix = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *entry;
  guint removed = 0;
  GDir *handle;

  g_return_val_if_fail (path != NULL, 0);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  prefix = g_strdup_printf (".%s.tmp-", base);
  handle = g_dir_open (dir, 0, NULL);
  while (handle != NULL && (entry = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *temp = NULL;
      struct stat st;

      /* Exactly what g_mkstemp made of ".<name>.tmp-XXXXXX". */
      if (!g_str_has_prefix (entry, prefix) || strlen (entry) != strlen (prefix) + 6)
        continue;
      temp = g_build_filename (dir, entry, NULL);
      if (lstat (temp, &st) != 0 || !S_ISREG (st.st_mode) ||
          now - (gint64) st.st_mtime < (gint64) min_age_s)
        continue;
      removed += g_unlink (temp) == 0;
    }
  if (handle != NULL)
    g_dir_close (handle);
  return removed;
}

gboolean
rb_fs_write_atomic (const char  *path,
                    const void  *data,
                    gsize        len,
                    GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp_name = NULL;
  g_autofree char *tmp_path = NULL;
  const char *step;
  int saved_errno;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmp_name = g_strdup_printf (".%s.tmp-XXXXXX", base);
  tmp_path = g_build_filename (dir, tmp_name, NULL);

  fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                   "Could not write %s: %s", base, g_strerror (saved_errno));
      return FALSE;
    }

  step = NULL;
  if (!write_all (fd, data, len))
    step = "write";
  else if (fsync (fd) != 0)
    step = "fsync";
  saved_errno = errno;

  if (close (fd) != 0 && step == NULL)
    {
      step = "close";
      saved_errno = errno;
    }

  if (step == NULL && g_rename (tmp_path, path) != 0)
    {
      step = "rename";
      saved_errno = errno;
    }

  if (step != NULL)
    {
      g_unlink (tmp_path);
      g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                   "Could not write %s: %s", base, g_strerror (saved_errno));
      return FALSE;
    }

  fsync_dir (dir);
  return TRUE;
}

gboolean
rb_fs_write_json_atomic (const char  *path,
                         JsonNode    *node,
                         GError     **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  data = rb_json_to_data (node, &len);
  return rb_fs_write_atomic (path, data, len, error);
}

static char *
format_limit (gsize max_size)
{
  if (max_size >= 1024 * 1024 && max_size % (1024 * 1024) == 0)
    return g_strdup_printf ("%" G_GSIZE_FORMAT " MiB", max_size / (1024 * 1024));
  if (max_size >= 1024 && max_size % 1024 == 0)
    return g_strdup_printf ("%" G_GSIZE_FORMAT " KiB", max_size / 1024);
  return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes", max_size);
}

static void
set_too_large (GError     **error,
               const char  *display_name,
               gsize        max_size)
{
  g_autofree char *limit = format_limit (max_size);

  g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
               "%s is larger than %s", display_name, limit);
}

GBytes *
rb_fs_read_file (const char  *path,
                 const char  *display_name,
                 gsize        max_size,
                 GError     **error)
{
  struct stat st;
  char *buf = NULL;
  gsize len = 0;
  gsize alloc;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  if (display_name == NULL)
    display_name = "file";

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        g_set_error (error, RB_ERROR, RB_ERROR_NOT_FOUND,
                     "%s is missing", display_name);
      else
        g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                     "%s could not be read: %s", display_name, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                   "%s could not be read: %s", display_name, g_strerror (saved_errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s is not a regular file", display_name);
      return NULL;
    }
  if ((guint64) st.st_size > max_size)
    {
      close (fd);
      set_too_large (error, display_name, max_size);
      return NULL;
    }

  /* The file may still grow while we read: never read past max_size + 1. */
  alloc = (gsize) st.st_size + 1;
  buf = g_malloc (alloc);
  for (;;)
    {
      gssize n;

      if (len == alloc)
        {
          if (len > max_size)
            break;
          alloc = MIN (alloc * 2, max_size + 1);
          buf = g_realloc (buf, alloc);
        }
      n = read (fd, buf + len, alloc - len);
      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          close (fd);
          g_free (buf);
          g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                       "%s could not be read: %s", display_name, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      len += n;
    }
  close (fd);

  if (len > max_size)
    {
      g_free (buf);
      set_too_large (error, display_name, max_size);
      return NULL;
    }
  return g_bytes_new_take (buf, len);
}

/* Appends @components to @resolved ("/"-rooted), handling "." and ".."
 * lexically. Returns TRUE if any ".." was seen. */
static gboolean
append_lexically (GString     *resolved,
                  char       **components)
{
  gboolean saw_dotdot = FALSE;

  for (guint i = 0; components[i] != NULL; i++)
    {
      const char *c = components[i];

      if (*c == '\0' || g_str_equal (c, "."))
        continue;
      if (g_str_equal (c, ".."))
        {
          char *slash = strrchr (resolved->str, '/');

          saw_dotdot = TRUE;
          if (slash != NULL)
            g_string_truncate (resolved, MAX (slash - resolved->str, 1));
          continue;
        }
      if (resolved->len > 1)
        g_string_append_c (resolved, '/');
      g_string_append (resolved, c);
    }
  return saw_dotdot;
}

/* Resolves symlinks, "." and ".." of the longest existing prefix of @path;
 * the rest (which cannot contain symlinks, as it does not exist) is
 * appended lexically. */
static char *
resolve_path (const char *path,
              guint       depth)
{
  g_autofree char *abs = NULL;
  g_auto(GStrv) components = NULL;
  guint n;

  if (g_path_is_absolute (path))
    abs = g_strdup (path);
  else
    {
      g_autofree char *cwd = g_get_current_dir ();
      abs = g_build_filename (cwd, path, NULL);
    }

  components = g_strsplit (abs, "/", -1);
  n = g_strv_length (components);

  for (guint k = n; ; k--)
    {
      g_autofree char *prefix = NULL;
      char *real;
      char *saved = components[k < n ? k : n];

      components[k < n ? k : n] = NULL;
      prefix = g_strjoinv ("/", components);
      components[k < n ? k : n] = saved;

      real = realpath (*prefix != '\0' ? prefix : "/", NULL);
      if (real != NULL)
        {
          GString *resolved = g_string_new (real);
          gboolean saw_dotdot;

          free (real);
          if (k >= n)
            return g_string_free (resolved, FALSE);

          saw_dotdot = append_lexically (resolved, components + k);
          if (saw_dotdot && depth == 0)
            {
              /* A ".." after a missing folder may lead back into existing
               * folders whose symlinks must be resolved too. */
              g_autofree char *again = g_string_free (resolved, FALSE);
              return resolve_path (again, depth + 1);
            }
          return g_string_free (resolved, FALSE);
        }
      if (k == 0)
        break;
    }
  return NULL;
}

gboolean
rb_fs_path_is_inside (const char *root,
                      const char *path)
{
  g_autofree char *real_root = NULL;
  g_autofree char *real_path = NULL;
  gsize root_len;

  if (root == NULL || path == NULL || *root == '\0' || *path == '\0')
    return FALSE;

  real_root = resolve_path (root, 0);
  real_path = resolve_path (path, 0);
  if (real_root == NULL || real_path == NULL)
    return FALSE;

  if (g_str_equal (real_root, "/"))
    return TRUE;
  root_len = strlen (real_root);
  return strncmp (real_path, real_root, root_len) == 0 &&
         (real_path[root_len] == '\0' || real_path[root_len] == '/');
}
